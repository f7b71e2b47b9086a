package ai.soul.projections.search;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSet;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.DocIdSetBuilder;
import org.apache.lucene.util.SmallFloat;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A searcher for one account's query whose scoring statistics are those of that account's live
 * documents alone. BM25 reads a term's document frequency, the number of documents with the field and
 * their total length (for the average); over the whole shared index they would let one account's
 * words move another's scores. Everything here walks the account's own documents (intersected with a
 * term's postings), so its cost follows the account's data, not the index.
 * <p>
 * Lucene's scoring queries take their statistics from {@link #termStatistics} and
 * {@link #collectionStatistics} (TermQuery, PhraseQuery, MultiPhraseQuery, SynonymQuery); prefixes
 * score a constant. A document's own length is its norm, as BM25 reads it, and so is the average here:
 * the norm is the length in one byte ({@link BM25Similarity#computeNorm}, {@link SmallFloat#intToByte4}:
 * exact up to 40 terms, then rounded down by less than an eighth), so for long texts the average is a
 * little below the exact one, the same way whatever else the index holds.
 * <p>
 * Deleted documents are left out (the index counts them until a merge, and merges follow everyone's
 * writes). One instance serves one query; {@link AccountDocs} is shared.
 */
final class AccountSearcher extends IndexSearcher {

    private final String account;
    private final AccountDocs accountDocs;
    private final Map<String, CollectionStatistics> fields = new HashMap<>();

    AccountSearcher(IndexReader reader, String account, AccountDocs accountDocs) {
        super(reader);
        this.account = account;
        this.accountDocs = accountDocs;
    }

    /**
     * The term's document frequency in the account. Its total frequency is given as the document
     * frequency: BM25 does not read it, and counting it would decode every frequency block.
     */
    @Override
    public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) throws IOException {
        long ownDocFreq = 0;
        for (LeafReaderContext leaf : getIndexReader().leaves()) {
            AccountDocs.Segment own = accountDocs.of(leaf.reader(), account);
            PostingsEnum postings = own.count == 0 ? null : postings(leaf.reader(), term);
            if (postings == null) {
                continue;
            }
            DocIdSetIterator both = ConjunctionUtils.intersectIterators(List.of(own.docs.iterator(), postings));
            while (both.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
                ownDocFreq++;
            }
        }
        // none of the account's documents has the term: it scores none of them, and the query only
        // needs valid statistics (Lucene refuses a frequency of 0)
        long frequency = Math.max(ownDocFreq, 1);
        return new TermStatistics(term.bytes(), frequency, frequency);
    }

    @Override
    public CollectionStatistics collectionStatistics(String field) throws IOException {
        CollectionStatistics known = fields.get(field);
        if (known == null) {
            known = fieldStatistics(field);
            fields.put(field, known);
        }
        return known;
    }

    private CollectionStatistics fieldStatistics(String field) throws IOException {
        long docs = 0;
        long withField = 0;
        long length = 0;
        for (LeafReaderContext leaf : getIndexReader().leaves()) {
            AccountDocs.Segment own = accountDocs.of(leaf.reader(), account);
            long[] counts = own.fieldCounts(leaf.reader(), field);
            docs += own.count;
            withField += counts[0];
            length += counts[1];
        }
        if (withField == 0) {
            // no document of the account has a term in the field: nothing of it is scored (see termStatistics)
            return new CollectionStatistics(field, 1, 1, 1, 1);
        }
        // sumDocFreq (the postings of every term) is not read by BM25 and would need a walk of every
        // term; withField is the lower bound Lucene accepts
        return new CollectionStatistics(field, docs, withField, length, withField);
    }

    /** The term's documents in the leaf, or null when the leaf does not have it. */
    private static PostingsEnum postings(LeafReader reader, Term term) throws IOException {
        Terms terms = reader.terms(term.field());
        if (terms == null) {
            return null;
        }
        TermsEnum iterator = terms.iterator();
        return iterator.seekExact(term.bytes()) ? iterator.postings(null, PostingsEnum.NONE) : null;
    }

    /**
     * Each account's live documents in each segment, and their field lengths. A segment's documents
     * and deletions do not change while its reader is open (new deletions make a new reader with a new
     * key), so they are gathered once per segment and account: a refresh after a batch only costs the
     * segments it changed. The sets of one segment hold each of its documents at most once, so they
     * take about what the segment's document ids take; the entries go when the segment's reader closes.
     */
    static final class AccountDocs {

        /** Bounds the entries of accounts without documents a long-lived segment can gather: when full, it starts again. */
        private static final int MAX_ACCOUNTS_PER_SEGMENT = 10_000;

        private final Map<IndexReader.CacheKey, Map<String, Segment>> segments = new ConcurrentHashMap<>();

        /** One account's live documents in one segment. */
        static final class Segment {
            final DocIdSet docs;
            final int count;
            /** field: {documents with a term in it, the sum of their lengths} */
            private final Map<String, long[]> fields = new ConcurrentHashMap<>();

            private Segment(DocIdSet docs, int count) {
                this.docs = docs;
                this.count = count;
            }

            long[] fieldCounts(LeafReader reader, String field) throws IOException {
                long[] known = fields.get(field);
                if (known == null) {
                    known = new long[2];
                    NumericDocValues norms = count == 0 ? null : reader.getNormValues(field);
                    if (norms != null) {
                        DocIdSetIterator own = docs.iterator();
                        for (int doc = own.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = own.nextDoc()) {
                            // a norm of 0: the field is there but has no terms, which Lucene's docCount leaves out too
                            if (norms.advanceExact(doc) && norms.longValue() != 0) {
                                known[0]++;
                                known[1] += SmallFloat.byte4ToInt((byte) norms.longValue());
                            }
                        }
                    }
                    fields.put(field, known);
                }
                return known;
            }
        }

        Segment of(LeafReader reader, String account) throws IOException {
            IndexReader.CacheHelper helper = reader.getReaderCacheHelper();
            if (helper == null) {
                return gather(reader, account);
            }
            Map<String, Segment> accounts = segments.computeIfAbsent(helper.getKey(), key -> {
                helper.addClosedListener(segments::remove);
                return new ConcurrentHashMap<>();
            });
            Segment known = accounts.get(account);
            if (known == null) {
                if (accounts.size() >= MAX_ACCOUNTS_PER_SEGMENT) {
                    accounts.clear();
                }
                known = gather(reader, account);
                accounts.put(account, known);
            }
            return known;
        }

        private static Segment gather(LeafReader reader, String account) throws IOException {
            Terms terms = reader.terms(SearchIndex.ACCOUNT);
            TermsEnum iterator = terms == null ? null : terms.iterator();
            if (iterator == null || !iterator.seekExact(new Term(SearchIndex.ACCOUNT, account).bytes())) {
                return new Segment(DocIdSet.EMPTY, 0);
            }
            PostingsEnum postings = iterator.postings(null, PostingsEnum.NONE);
            Bits live = reader.getLiveDocs();
            DocIdSetBuilder builder = new DocIdSetBuilder(reader.maxDoc());
            DocIdSetBuilder.BulkAdder adder = builder.grow(iterator.docFreq());
            int count = 0;
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (live == null || live.get(doc)) {
                    adder.add(doc);
                    count++;
                }
            }
            return new Segment(count == 0 ? DocIdSet.EMPTY : builder.build(), count);
        }
    }
}
