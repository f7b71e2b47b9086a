package ai.soul.ai.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sentences of a conversation as TF-IDF vectors (each sentence a document), with cosine similarity
 * and TextRank over it. Everything is computed in sentence order, so the same text always ranks the same.
 */
final class Corpus {

    /** One sentence: where it came from ({@code context}, {@code user}, {@code agent}) and its content stems. */
    record Sentence(int index, String text, String role, List<String> stems) {
        boolean isQuestion() {
            return text.endsWith("?");
        }
    }

    private static final double DAMPING = 0.85;

    final List<Sentence> sentences;
    final Set<String> stopWords;
    private final Map<String, Integer> documentFrequency = new HashMap<>();
    private final List<Map<String, Double>> vectors = new ArrayList<>();

    Corpus(List<Sentence> sentences, Set<String> stopWords) {
        this.sentences = sentences;
        this.stopWords = stopWords;
        for (Sentence sentence : sentences) {
            for (String stem : new HashSet<>(sentence.stems())) documentFrequency.merge(stem, 1, Integer::sum);
        }
        for (Sentence sentence : sentences) vectors.add(vector(sentence.stems()));
    }

    /** Smoothed inverse document frequency; a stem no sentence has counts as the rarest. */
    double idf(String stem) {
        return Math.log(1.0 + (sentences.size() + 1.0) / (documentFrequency.getOrDefault(stem, 0) + 1.0));
    }

    Map<String, Double> vector(List<String> stems) {
        Map<String, Double> vector = new HashMap<>();
        for (String stem : stems) vector.merge(stem, 1.0, Double::sum);
        vector.replaceAll((stem, tf) -> tf * idf(stem));
        return vector;
    }

    Map<String, Double> vector(int sentence) {
        return vectors.get(sentence);
    }

    static double cosine(Map<String, Double> a, Map<String, Double> b) {
        if (a.isEmpty() || b.isEmpty()) return 0;
        Map<String, Double> small = a.size() <= b.size() ? a : b;
        Map<String, Double> large = small == a ? b : a;
        double dot = 0;
        for (var entry : small.entrySet()) dot += entry.getValue() * large.getOrDefault(entry.getKey(), 0.0);
        if (dot == 0) return 0;
        return dot / (norm(a) * norm(b));
    }

    private static double norm(Map<String, Double> v) {
        double sum = 0;
        for (double x : v.values()) sum += x * x;
        return Math.sqrt(sum);
    }

    private double[] rank;

    /** TextRank: PageRank over the graph whose edge weights are the sentences' cosine similarities (computed once). */
    double[] textRank() {
        if (rank == null) {
            rank = computeTextRank();
        }
        return rank;
    }

    private double[] computeTextRank() {
        int n = sentences.size();
        double[][] weights = new double[n][n];
        double[] outWeight = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double similarity = cosine(vectors.get(i), vectors.get(j));
                weights[i][j] = similarity;
                weights[j][i] = similarity;
                outWeight[i] += similarity;
                outWeight[j] += similarity;
            }
        }
        double[] scores = new double[n];
        java.util.Arrays.fill(scores, 1.0 / Math.max(n, 1));
        for (int iteration = 0; iteration < 100; iteration++) {
            double[] next = new double[n];
            double change = 0;
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    if (weights[j][i] > 0) sum += weights[j][i] / outWeight[j] * scores[j];
                }
                next[i] = (1 - DAMPING) / n + DAMPING * sum;
                change += Math.abs(next[i] - scores[i]);
            }
            scores = next;
            if (change < 1e-9) break;
        }
        return scores;
    }
}
