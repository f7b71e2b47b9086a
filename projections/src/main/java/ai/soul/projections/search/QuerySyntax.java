package ai.soul.projections.search;

import ai.soul.projections.search.ConversationSearch.InvalidQueryException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher.TooManyClauses;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

import java.util.Map;

/**
 * The search syntax: Lucene's classic syntax cut down to what the README documents, so that the work
 * of a query is bounded by its text. Words (all must match), "phrases" (with ~slop), prefixes
 * ({@code pric*}), OR, NOT/-, parentheses, field:word and ^boosts. Everything that expands to the
 * terms of the whole index is refused or bounded: a prefix needs {@value #MIN_PREFIX} characters
 * and a query at most {@value #MAX_PREFIXES} of them (each prefix reads the postings of every term it
 * matches, in every account); wildcards elsewhere ({@code pr?ce}, {@code *ing}), fuzzy words
 * ({@code word~}) and ranges ({@code [a TO b]}) are refused; {@code /} is ordinary text, never a
 * regular expression. A parser parses one query.
 */
final class QuerySyntax extends MultiFieldQueryParser {

    static final int MIN_PREFIX = 3;
    static final int MAX_PREFIXES = 3;

    private int prefixes;
    private boolean expandingFields;

    private QuerySyntax(String[] fields, Analyzer analyzer, Map<String, Float> boosts) {
        super(fields, analyzer, boosts);
        setDefaultOperator(QueryParser.Operator.AND);
        setAllowLeadingWildcard(false);
    }

    /** @throws InvalidQueryException with a reason the caller can show */
    static Query parse(String text, String[] fields, Analyzer analyzer, Map<String, Float> boosts) {
        try {
            // "/" would open a regular expression, which the syntax does not have; escaped it is text ("24/7")
            return new QuerySyntax(fields, analyzer, boosts).parse(text.replace("/", "\\/"));
        } catch (ParseException e) {
            throw new InvalidQueryException("The query cannot be parsed: " + firstLine(e), e);
        } catch (TooManyClauses | TooComplexToDeterminizeException e) {
            throw tooComplex(e);
        }
    }

    static InvalidQueryException tooComplex(RuntimeException cause) {
        return new InvalidQueryException("The query is too complex: use fewer words", cause);
    }

    @Override
    protected Query getPrefixQuery(String field, String termStr) throws ParseException {
        if (termStr.codePointCount(0, termStr.length()) < MIN_PREFIX || termStr.startsWith("*")) {
            throw new InvalidQueryException("A prefix needs at least " + MIN_PREFIX + " characters before the *", null);
        }
        if (expandingFields) {
            return super.getPrefixQuery(field, termStr); // one of the fields of a prefix counted already
        }
        if (++prefixes > MAX_PREFIXES) {
            throw new InvalidQueryException("The query can have at most " + MAX_PREFIXES + " prefixes (word*)", null);
        }
        expandingFields = field == null;
        try {
            return super.getPrefixQuery(field, termStr);
        } finally {
            expandingFields = false;
        }
    }

    @Override
    protected Query getWildcardQuery(String field, String termStr) {
        throw new InvalidQueryException("Only a * at the end of a word is supported (pric*), not * or ? elsewhere", null);
    }

    @Override
    protected Query getFuzzyQuery(String field, String termStr, float minSimilarity) {
        throw new InvalidQueryException("Fuzzy words (word~) are not supported", null);
    }

    @Override
    protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive, boolean endInclusive) {
        throw new InvalidQueryException("Ranges ([a TO b]) are not supported; filter dates with filters.date_from and date_to", null);
    }

    @Override
    protected Query getRegexpQuery(String field, String termStr) {
        throw new InvalidQueryException("Regular expressions are not supported", null); // unreachable: "/" is escaped
    }

    private static String firstLine(ParseException e) {
        String message = e.getMessage();
        if (message == null) return "invalid syntax";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
