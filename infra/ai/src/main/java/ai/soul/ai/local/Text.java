package ai.soul.ai.local;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sentences, word tokens, stop words and a light stemmer: the ground every other part of the engine stands on. */
final class Text {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)*");
    private static final Pattern BULLET = Pattern.compile("^\\s*(?:[-*•]|\\d+[.)])\\s+");

    /** Stop words per language; the language of a text is the one whose list covers most of its words. */
    static final Map<String, Set<String>> STOP_WORDS = Map.of(
            "en", words("""
                    a about above after again against all am an and any are aren't as at be because been before being
                    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
                    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
                    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
                    let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves
                    out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their
                    theirs them themselves then there there's these they they'd they'll they're they've this those through
                    to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
                    where where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
                    you're you've your yours yourself yourselves also just may might must shall yes yeah ok okay oh hi
                    hello hey thanks thank please sure well get got us lets"""),
            "pt", words("""
                    a o as os um uma uns umas de do da dos das em no na nos nas por para com sem sob que e ou mas se não
                    sim é são foi ser estar está estão eu tu ele ela nós vós eles elas me te lhe nos vos meu minha seu sua
                    nosso nossa este esta isso isto aquele aquela muito mais menos já também como quando onde ao aos à às
                    pelo pela pelos pelas"""),
            "es", words("""
                    el la los las un una unos unas de del al en por para con sin sobre que y o pero si no sí es son fue
                    ser estar está están yo tú él ella nosotros vosotros ellos ellas me te le les nos mi mis tu tus su
                    sus nuestro nuestra este esta esto eso muy más menos ya también como cuando donde lo hay"""),
            "de", words("""
                    der die das den dem des ein eine einer einen einem eines und oder aber wenn nicht ja nein ist sind
                    war waren sein bin bist ich du er sie es wir ihr mich dich sich mir dir uns euch mein dein sein unser
                    zu mit von für auf an in im aus bei nach über unter vor wie was wer wo auch noch schon sehr mehr
                    dass als um hat haben wird werden kann können"""),
            "fr", words("""
                    le la les un une des de du au aux et ou mais si ne pas oui non est sont était être avoir je tu il elle
                    nous vous ils elles me te se lui leur mon ma mes ton ta tes son sa ses notre votre ce cet cette ces
                    que qui quoi dont où dans sur sous pour par avec sans très plus moins aussi comme quand y en à ça"""));

    private Text() {
    }

    static Set<String> words(String list) {
        return Set.copyOf(Arrays.asList(list.trim().split("\\s+")));
    }

    /** Sentences in order: every line on its own (lists, chat lines), each split where the text's sentences end. */
    static List<String> sentences(String text) {
        List<String> sentences = new ArrayList<>();
        if (text == null) return sentences;
        for (String line : text.replace('\u2019', '\'').split("\\R")) {
            String trimmed = BULLET.matcher(line).replaceFirst("").strip();
            if (trimmed.isEmpty()) continue;
            BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
            iterator.setText(trimmed);
            int start = iterator.first();
            for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
                String sentence = trimmed.substring(start, end).strip();
                if (!tokens(sentence).isEmpty()) sentences.add(sentence);
            }
        }
        return sentences;
    }

    /** Lower-case word tokens ("I'll" stays one token), stop words included. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        if (text == null) return tokens;
        Matcher matcher = WORD.matcher(text.replace('\u2019', '\''));
        while (matcher.find()) tokens.add(matcher.group().toLowerCase(Locale.ROOT));
        return tokens;
    }

    /** The language among those with a stop-word list that covers most of the tokens; English when none does. */
    static String language(List<String> tokens) {
        String best = "en";
        int bestHits = 0;
        for (String language : List.of("en", "pt", "es", "de", "fr")) {
            Set<String> stops = STOP_WORDS.get(language);
            int hits = (int) tokens.stream().filter(stops::contains).count();
            if (hits > bestHits) {
                best = language;
                bestHits = hits;
            }
        }
        return best;
    }

    /** Words that carry content: not a stop word of the language, not a bare number, at least two letters. */
    static boolean isContent(String token, Set<String> stops) {
        return token.length() > 1 && !stops.contains(token) && !token.chars().allMatch(Character::isDigit);
    }

    /**
     * A light suffix-stripping stemmer (English rules; harmless on other languages' short words): plural
     * and verb endings go, a doubled final consonant is undone, a final "e" is dropped, so "price",
     * "prices", "pricing" and "priced" meet at "pric", and "planning" meets "plan".
     */
    static String stem(String word) {
        String w = word;
        if (w.endsWith("'s")) w = w.substring(0, w.length() - 2);
        if (w.length() <= 3) return w;
        if (w.endsWith("ies") && w.length() > 4) {
            w = w.substring(0, w.length() - 3) + "y";
        } else if (w.endsWith("sses")) {
            w = w.substring(0, w.length() - 2);
        } else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            w = w.substring(0, w.length() - 1);
        }
        boolean verbEnding = false;
        if (w.endsWith("ing") && w.length() > 5) {
            w = w.substring(0, w.length() - 3);
            verbEnding = true;
        } else if (w.endsWith("ed") && w.length() > 4) {
            w = w.substring(0, w.length() - 2);
            verbEnding = true;
        } else if (w.endsWith("ly") && w.length() > 5) {
            w = w.substring(0, w.length() - 2);
        }
        if (verbEnding && w.length() > 3) {
            char last = w.charAt(w.length() - 1);
            if (last == w.charAt(w.length() - 2) && "bdgmnprt".indexOf(last) >= 0) w = w.substring(0, w.length() - 1);
        }
        if (w.endsWith("e") && w.length() > 3) w = w.substring(0, w.length() - 1);
        return w;
    }

    /** The stems of the content words of a text. */
    static List<String> contentStems(String text, Set<String> stops) {
        List<String> stems = new ArrayList<>();
        for (String token : tokens(text)) {
            if (isContent(token, stops)) stems.add(stem(token));
        }
        return stems;
    }

    static Set<String> stems(Set<String> words) {
        Set<String> stems = new HashSet<>();
        for (String word : words) stems.add(stem(word));
        return stems;
    }
}
