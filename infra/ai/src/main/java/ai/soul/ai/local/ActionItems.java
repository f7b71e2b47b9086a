package ai.soul.ai.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Action items from imperative and commitment sentences: requests ("please send…", "can you review…"),
 * commitments ("I will…", "I'll…", "we need to…", "let's…") and sentences that open with an action
 * verb ("Schedule a demo…"). Each becomes a short imperative phrase: "Send the pricing sheet by Friday".
 */
final class ActionItems {

    private static final int MAX_WORDS = 12;

    /** What introduces a commitment; the action follows it. */
    private static final Pattern COMMITMENT = Pattern.compile(
            "\\b(?:i will|i'll|we will|we'll|i am going to|i'm going to|we are going to|we're going to|i need to|"
                    + "we need to|you need to|need to|needs to|we have to|i have to|we must|we should|let's|let us|"
                    + "make sure to|remember to|don't forget to)\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern REQUEST = Pattern.compile(
            "^(?:.*?\\b)?(?:please|can you|could you|would you|will you|can we|could we)\\s+(.+)", Pattern.CASE_INSENSITIVE);

    /** Verbs that make a sentence opening with them an instruction. */
    private static final Set<String> ACTION_VERBS = Text.words("""
            send schedule call review email book prepare share update fix check follow draft finalize finalise confirm
            arrange create write contact order ship refund set organize organise plan submit sign approve deliver
            invite add remove escalate investigate reply forward test deploy release migrate document cancel move
            resend reset replace upgrade pay compile collect ask circulate merge publish reach""");

    /** After "I will": a state, not a task ("I will be away"), or a question put as a request ("can you tell me"). */
    private static final Set<String> NOT_TASKS = Text.words("""
            be have been not never tell explain describe clarify say repeat hear understand imagine believe know
            think see wait hope guess do""");
    private static final Set<String> FILLERS = Text.words("also just definitely then quickly first still really probably please kindly");
    private static final Pattern CLAUSE_END = Pattern.compile(
            "(?:[.;!?]|,\\s*(?:and|but|so|because|then|if|which)\\b|\\s+(?:because|so|but|unless|if you)\\s)",
            Pattern.CASE_INSENSITIVE);

    private ActionItems() {
    }

    /** The action items of the sentences, in order of appearance, without repeats. */
    static List<String> of(List<String> sentences) {
        Map<String, String> items = new LinkedHashMap<>();
        for (String sentence : sentences) {
            for (String item : actions(sentence)) items.putIfAbsent(item.toLowerCase(Locale.ROOT), item);
        }
        return new ArrayList<>(items.values());
    }

    /** The actions of one sentence; one sentence may make several commitments ("I will…, so I'll…"). */
    static List<String> actions(String sentence) {
        String text = sentence.strip().replace('\u2019', '\'');
        Matcher request = REQUEST.matcher(text);
        if (request.find()) {
            Optional<String> item = phrase(request.group(1));
            if (item.isPresent()) return List.of(item.get());
        }
        if (text.endsWith("?")) return List.of(); // "do we need to sign anything?" asks, it does not commit
        List<String> found = new ArrayList<>();
        Matcher commitment = COMMITMENT.matcher(text);
        while (commitment.find()) phrase(text.substring(commitment.end())).ifPresent(found::add);
        if (found.isEmpty()) {
            List<String> tokens = Text.tokens(text);
            if (!tokens.isEmpty() && ACTION_VERBS.contains(tokens.get(0))) phrase(text).ifPresent(found::add);
        }
        return found;
    }

    /** The words of an action up to the end of its clause, fillers off the front, as an imperative. */
    private static Optional<String> phrase(String rest) {
        Matcher end = CLAUSE_END.matcher(rest);
        String clause = end.find() ? rest.substring(0, end.start()) : rest;
        List<String> words = new ArrayList<>(List.of(clause.strip().split("\\s+")));
        while (!words.isEmpty() && FILLERS.contains(bare(words.get(0)))) words.remove(0);
        if (words.size() < 2 || NOT_TASKS.contains(bare(words.get(0)))) return Optional.empty();
        String first = bare(words.get(0));
        if (first.equals("let") && words.size() > 2 && bare(words.get(2)).equals("know")) return Optional.empty();
        if (words.size() > MAX_WORDS) {
            words = new ArrayList<>(words.subList(0, MAX_WORDS));
            // a phrase cut short ends on a word that means something, not on "to" or "a"
            while (words.size() > 2 && Text.STOP_WORDS.get("en").contains(bare(words.get(words.size() - 1)))) {
                words.remove(words.size() - 1);
            }
        }
        String phrase = String.join(" ", words).replaceAll("[\\s,:;\"')]+$", "");
        return Optional.of(Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1));
    }

    private static String bare(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}']", "");
    }
}
