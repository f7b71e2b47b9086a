package ai.soul.ai.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lexicon-based sentiment: each opinion word adds its weight, flipped (and softened) when one of the
 * three words before it negates ("not good"), scaled when an intensifier ("very") or a softener
 * ("slightly") stands right before it. The sum is squashed into [-1, 1] as VADER does: s / sqrt(s² + 15).
 */
final class Sentiment {

    record Result(String label, double score) {
    }

    /** One mild word ("risk") in a long conversation does not make it negative. */
    static final double THRESHOLD = 0.3;

    private static final Map<String, Double> LEXICON = new HashMap<>();

    static {
        add(1, """
                good great nice happy glad pleased helpful appreciate appreciated fast quick easy impressed satisfied
                smooth recommend excited interested interesting resolved fixed success successful improve improved better
                clear efficient enjoy enjoyed welcome friendly valuable useful positive agree works working reliable
                solid straightforward love""");
        add(2, "excellent amazing awesome fantastic perfect wonderful brilliant outstanding best delighted thrilled superb");
        add(-1, """
                bad poor problem issue bug error crash slow late delay wrong complaint complain upset difficult hard
                confusing confused expensive unhappy sad sorry waste lost missing cancel unfortunately rude ignored stuck
                outage concern concerned worried risk blocked blocker annoyed annoying disappointed disappointing
                fail failed failure broken broke frustrated frustrating overcharged charged refund unresponsive""");
        add(-2, "terrible awful horrible worst worse hate unacceptable useless ridiculous furious disaster angry");
    }

    private static final Set<String> NEGATORS = Text.words("""
            not no never none nothing neither nor cannot can't don't doesn't didn't isn't aren't wasn't weren't won't
            wouldn't shouldn't couldn't haven't hasn't hadn't without hardly barely""");
    private static final Map<String, Double> INTENSIFIERS = Map.ofEntries(
            Map.entry("very", 1.5), Map.entry("really", 1.5), Map.entry("so", 1.3), Map.entry("too", 1.3),
            Map.entry("extremely", 1.8), Map.entry("absolutely", 1.8), Map.entry("totally", 1.6),
            Map.entry("completely", 1.6), Map.entry("incredibly", 1.8), Map.entry("super", 1.5),
            Map.entry("slightly", 0.5), Map.entry("somewhat", 0.6), Map.entry("little", 0.6), Map.entry("bit", 0.6));

    private Sentiment() {
    }

    private static void add(double weight, String words) {
        for (String word : Text.words(words)) LEXICON.put(Text.stem(word), weight);
    }

    /** The sentiment of the given sentences, each one's tokens taken on their own. */
    static Result of(List<String> sentences) {
        double sum = 0;
        for (String sentence : sentences) sum += score(Text.tokens(sentence));
        double score = sum / Math.sqrt(sum * sum + 15);
        score = Math.round(score * 1000) / 1000.0;
        String label = score > THRESHOLD ? "positive" : score < -THRESHOLD ? "negative" : "neutral";
        return new Result(label, score);
    }

    static double score(List<String> tokens) {
        double sum = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Double weight = LEXICON.get(Text.stem(tokens.get(i)));
            if (weight == null) continue;
            double value = weight;
            if (i > 0) value *= INTENSIFIERS.getOrDefault(tokens.get(i - 1), 1.0);
            for (int back = 1; back <= 3 && i - back >= 0; back++) {
                if (NEGATORS.contains(tokens.get(i - back))) {
                    value *= -0.75;
                    break;
                }
            }
            sum += value;
        }
        return sum;
    }
}
