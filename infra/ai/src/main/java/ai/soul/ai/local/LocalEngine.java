package ai.soul.ai.local;

import ai.soul.ai.local.Corpus.Sentence;
import ai.soul.domain.ai.AiPort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The built-in engine: no language model, only deterministic text processing of the conversation
 * itself, so the same input always gives the same output. Summaries are extractive (TextRank over
 * TF-IDF cosine similarity of the sentences), sentiment comes from a word lexicon, topics are the most
 * frequent content words, action items come from imperative and commitment sentences, and a reply
 * quotes the conversation's sentences closest to the user's last message.
 *
 * <p>Because summaries and replies are made of the conversation's own sentences, they stay in the
 * language the conversation is written in, whatever {@code language} asks for; stop words are known
 * for English, Portuguese, Spanish, German and French.
 *
 * <p>Token counts are word tokens (runs of letters and digits), not a model tokenizer's: prompt tokens
 * are the words of everything given (system prompt, title, context, turns), completion tokens the
 * words of everything produced.
 */
public final class LocalEngine implements AiPort {

    public static final String MODEL_ID = "local-extractive-1";
    public static final Model MODEL = new Model(MODEL_ID, "Local extractive engine (deterministic, no LLM)", "llm",
            32768, 0.0, "local");

    private static final int MAX_TOPICS = 5;
    private static final int MAX_TITLE = 200;
    private static final double MIN_MATCH = 0.1;
    /** Words too common in conversation to be a topic, whatever their frequency. */
    private static final Set<String> NOT_TOPICS = Text.stems(Text.words("""
            think know want need like make go going say said tell thank one two time today tomorrow week day next
            last sorry able sound look mean thing something anything lot bit way good great right really would could
            should can will let see come take give use new much many well sure actually maybe everything anyone
            everyone morning afternoon hope per percent via"""));
    private static final Pattern NAME = Pattern.compile(
            "(?i:you are|you're|your name is|call yourself|named)\\s+(\\p{Lu}[\\p{L}-]+)");
    private static final Pattern CONCISE = Pattern.compile("\\b(?:concise|brief|briefly|short|succinct|terse)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> GREETINGS = Text.words("hi hello hey morning evening hola olá bonjour hallo");

    /** The default bound on sentences ranked: TextRank compares every pair, so its work grows with the square. */
    public static final int MAX_SENTENCES = 300;

    private final int maxSentences;

    public LocalEngine() {
        this(MAX_SENTENCES);
    }

    /** @param maxSentences the most sentences a summary ranks or a reply searches: the conversation's latest */
    public LocalEngine(int maxSentences) {
        if (maxSentences < 1) {
            throw new IllegalArgumentException("maxSentences must be 1 or more");
        }
        this.maxSentences = maxSentences;
    }

    @Override
    public List<Model> models() {
        return List.of(MODEL);
    }

    @Override
    public Summary summarize(SummaryRequest request) {
        checkModel(request.model());
        List<Sentence> sentences = latest(sentences(request.context(), request.turns()));
        Set<String> stops = stopWords(sentences);
        Corpus corpus = corpus(sentences, stops);
        List<Sentence> chosen = summarySentences(corpus, request.style());
        String content = switch (style(request.style())) {
            case "bullet" -> chosen.stream().map(s -> "- " + s.text()).collect(Collectors.joining("\n"));
            default -> chosen.stream().map(Sentence::text).collect(Collectors.joining(" "));
        };
        List<String> texts = sentences.stream().map(Sentence::text).toList();
        Sentiment.Result sentiment = Sentiment.of(texts);
        List<String> topics = topics(sentences, stops);
        List<String> actionItems = ActionItems.of(texts);
        String title = title(corpus, topics);
        int prompt = words(request.title(), request.context(), request.turns());
        int completion = Text.tokens(title + " " + content + " " + String.join(" ", topics) + " "
                + String.join(" ", actionItems)).size();
        return new Summary(title, content, sentiment.label(), sentiment.score(), topics, actionItems, MODEL_ID,
                prompt, completion);
    }

    @Override
    public Reply reply(ReplyRequest request) {
        checkModel(request.model());
        List<Turn> turns = request.turns() == null ? List.of() : request.turns();
        String question = turns.isEmpty() ? "" : turns.get(turns.size() - 1).content();
        List<Sentence> earlier = latest(sentences(request.context(), turns.subList(0, Math.max(turns.size() - 1, 0))));
        Set<String> stops = stopWords(sentences(request.context(), turns));
        Corpus corpus = corpus(earlier, stops);
        // "what did we say about…": the asking words are no part of what is asked about
        List<String> queryStems = Text.contentStems(question, stops).stream().filter(s -> !NOT_TOPICS.contains(s)).toList();
        Map<String, Double> query = corpus.vector(queryStems);

        record Match(Sentence sentence, double score) {
        }
        List<Match> matches = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Sentence sentence : corpus.sentences) {
            double score = Corpus.cosine(query, corpus.vector(sentence.index()));
            if (score >= MIN_MATCH && seen.add(sentence.text().toLowerCase(Locale.ROOT))) {
                matches.add(new Match(sentence, round(score)));
            }
        }
        String systemPrompt = request.systemPrompt() == null ? "" : request.systemPrompt();
        int limit = CONCISE.matcher(systemPrompt).find() ? 1 : 3;
        List<Match> best = matches.stream()
                .sorted(Comparator.comparingDouble(Match::score).reversed().thenComparingInt(m -> m.sentence().index()))
                .limit(limit).sorted(Comparator.comparingInt(m -> m.sentence().index())).toList();
        List<String> requested = ActionItems.of(Text.sentences(question));
        List<String> keywords = surfaceWords(question, stops);

        List<String> parts = new ArrayList<>();
        Matcher name = NAME.matcher(systemPrompt);
        List<String> questionTokens = Text.tokens(question);
        if (name.find() && (questionTokens.contains("name") || question.toLowerCase(Locale.ROOT).contains("who are you")
                || (!questionTokens.isEmpty() && GREETINGS.contains(questionTokens.get(0))))) {
            parts.add("I'm " + name.group(1) + ", answering from what this conversation says.");
        }
        if (!best.isEmpty()) {
            String about = keywords.isEmpty() ? "this" : String.join(", ", keywords.subList(0, Math.min(3, keywords.size())));
            parts.add("Here is what the conversation says about " + about + ":\n" + best.stream()
                    .map(m -> "- \"" + m.sentence().text() + "\" (" + m.sentence().role() + ")")
                    .collect(Collectors.joining("\n")));
        }
        if (!requested.isEmpty()) {
            parts.add("Noted as action items:\n" + requested.stream().map(a -> "- " + a).collect(Collectors.joining("\n")));
        }
        if (best.isEmpty() && requested.isEmpty()) {
            parts.add(keywords.isEmpty()
                    ? "What would you like to know about this conversation?"
                    : "I found nothing about " + String.join(", ", keywords) + " in this conversation. "
                    + "Could you tell me more about what you need?");
        }
        String content = String.join("\n\n", parts);

        String reasoning = null;
        if (request.verbose()) {
            reasoning = "Local extractive engine (no language model): compared the terms " + queryStems
                    + " of the last message with " + corpus.sentences.size()
                    + " earlier sentences by TF-IDF cosine similarity (threshold " + MIN_MATCH + "); "
                    + (matches.isEmpty() ? "none matched" : matches.size() + " matched, quoted " + best.stream()
                    .map(m -> "#" + m.sentence().index() + " (score " + m.score() + ")").collect(Collectors.joining(", ")))
                    + "; action items detected in the message: " + (requested.isEmpty() ? "none" : requested) + ".";
        }
        int prompt = Text.tokens(systemPrompt).size() + words(request.title(), request.context(), turns);
        return new Reply(content, reasoning, MODEL_ID, prompt, Text.tokens(content).size());
    }

    /** Word by word: each piece is a word with the white space that follows it, so the pieces add up to the reply. */
    @Override
    public Reply replyStreaming(ReplyRequest request, Consumer<String> tokens) {
        Reply reply = reply(request);
        for (String piece : reply.content().split("(?<=\\s)(?=\\S)")) tokens.accept(piece);
        return reply;
    }

    private static void checkModel(String model) {
        if (model != null && !model.equals(MODEL_ID)) {
            throw new IllegalArgumentException("Unknown model " + model + "; the local engine serves " + MODEL_ID);
        }
    }

    private static String style(String style) {
        return style == null ? "concise" : style.toLowerCase(Locale.ROOT);
    }

    private static List<Sentence> sentences(String context, List<Turn> turns) {
        List<String[]> raw = new ArrayList<>();
        for (String text : Text.sentences(context)) raw.add(new String[]{text, "context"});
        if (turns != null) {
            for (Turn turn : turns) {
                for (String text : Text.sentences(turn.content())) raw.add(new String[]{text, turn.role()});
            }
        }
        List<Sentence> sentences = new ArrayList<>();
        for (String[] entry : raw) sentences.add(new Sentence(sentences.size(), entry[0], entry[1], List.of()));
        return sentences;
    }

    /** The last {@link #maxSentences} sentences, numbered from 0 again. */
    private List<Sentence> latest(List<Sentence> sentences) {
        if (sentences.size() <= maxSentences) {
            return sentences;
        }
        List<Sentence> kept = new ArrayList<>(maxSentences);
        for (Sentence s : sentences.subList(sentences.size() - maxSentences, sentences.size())) {
            kept.add(new Sentence(kept.size(), s.text(), s.role(), s.stems()));
        }
        return kept;
    }

    private static Set<String> stopWords(List<Sentence> sentences) {
        List<String> tokens = sentences.stream().flatMap(s -> Text.tokens(s.text()).stream()).toList();
        return Text.STOP_WORDS.get(Text.language(tokens));
    }

    private static Corpus corpus(List<Sentence> sentences, Set<String> stops) {
        return new Corpus(sentences.stream()
                .map(s -> new Sentence(s.index(), s.text(), s.role(), Text.contentStems(s.text(), stops)))
                .toList(), stops);
    }

    /**
     * The best-ranked sentences in their original order: two or three for concise, about a third of
     * them for detailed and bullet. Questions and very short sentences ("Thanks!") are passed over
     * while there are enough others.
     */
    private static List<Sentence> summarySentences(Corpus corpus, String style) {
        List<Sentence> all = corpus.sentences;
        int n = all.size();
        int wanted = switch (style(style)) {
            case "detailed", "bullet" -> Math.max(3, (int) Math.round(n * 0.35));
            default -> n > 8 ? 3 : 2;
        };
        double[] rank = corpus.textRank();
        List<Sentence> candidates = all.stream()
                .filter(s -> !s.isQuestion() && s.stems().size() >= 3)
                .toList();
        if (candidates.size() < Math.min(wanted, n)) candidates = all;
        return candidates.stream()
                .sorted(Comparator.comparingDouble((Sentence s) -> rank[s.index()]).reversed()
                        .thenComparingInt(Sentence::index))
                .limit(wanted)
                .sorted(Comparator.comparingInt(Sentence::index))
                .toList();
    }

    /** The best-ranked statement, cut at a word boundary; the topics when there is no sentence to use. */
    private static String title(Corpus corpus, List<String> topics) {
        double[] rank = corpus.textRank();
        String best = IntStream.range(0, corpus.sentences.size()).boxed()
                .filter(i -> !corpus.sentences.get(i).isQuestion() && corpus.sentences.get(i).stems().size() >= 2)
                .max(Comparator.comparingDouble((Integer i) -> rank[i]).thenComparing(Comparator.reverseOrder()))
                .map(i -> corpus.sentences.get(i).text())
                .orElse(topics.isEmpty() ? "Conversation" : String.join(", ", topics));
        best = best.replaceAll("[.!\\s]+$", "");
        if (best.length() > MAX_TITLE) {
            int cut = best.lastIndexOf(' ', MAX_TITLE - 1);
            best = best.substring(0, cut > 0 ? cut : MAX_TITLE - 1) + "…";
        }
        return best;
    }

    /** Content stems by frequency over the whole conversation, shown as their most frequent surface word. */
    private static List<String> topics(List<Sentence> sentences, Set<String> stops) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> surfaces = new HashMap<>();
        for (Sentence sentence : sentences) {
            for (String token : Text.tokens(sentence.text())) {
                if (!Text.isContent(token, stops) || token.length() < 3 || token.contains("'")) continue;
                String stem = Text.stem(token);
                if (NOT_TOPICS.contains(stem)) continue;
                counts.merge(stem, 1, Integer::sum);
                surfaces.computeIfAbsent(stem, k -> new LinkedHashMap<>()).merge(token, 1, Integer::sum);
            }
        }
        boolean repeated = counts.values().stream().anyMatch(c -> c > 1);
        return counts.entrySet().stream()
                .filter(e -> !repeated || e.getValue() > 1)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()) // stable: first seen wins ties
                .limit(MAX_TOPICS)
                .map(e -> surfaces.get(e.getKey()).entrySet().stream()
                        .max(Map.Entry.<String, Integer>comparingByValue()
                                .thenComparing(s -> -s.getKey().length()))
                        .orElseThrow().getKey())
                .toList();
    }

    /** The content words of a text, each once, in order. */
    private static List<String> surfaceWords(String text, Set<String> stops) {
        return Text.tokens(text).stream().filter(t -> Text.isContent(t, stops) && !NOT_TOPICS.contains(Text.stem(t)))
                .distinct().toList();
    }

    private static int words(String title, String context, List<Turn> turns) {
        int count = Text.tokens(title).size() + Text.tokens(context).size();
        if (turns != null) for (Turn turn : turns) count += Text.tokens(turn.content()).size();
        return count;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
