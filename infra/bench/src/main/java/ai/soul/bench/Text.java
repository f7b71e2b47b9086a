package ai.soul.bench;

import java.util.concurrent.ThreadLocalRandom;

/** Plausible conversation text of varying length, so requests and documents have realistic sizes. */
final class Text {

    private static final String[] WORDS = ("we should schedule the review meeting next week and send the notes to the team "
            + "I will call the supplier about the delayed order because the invoice needs to be paid before friday "
            + "the customer asked whether the new plan includes support for exports and what the storage limit is "
            + "please remind me to book flights for the conference and check the hotel near the venue "
            + "thanks for the summary it helped a lot the weather was great and the project is on track").split(" ");

    private Text() {
    }

    static String words(int min, int max) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = min + random.nextInt(max - min + 1);
        StringBuilder text = new StringBuilder(n * 7);
        for (int i = 0; i < n; i++) {
            if (i > 0) text.append(' ');
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }

    static String title() {
        return words(3, 8);
    }

    static String sentence() {
        return words(8, 40) + ".";
    }

    static String paragraph() {
        return words(30, 120) + ".";
    }
}
