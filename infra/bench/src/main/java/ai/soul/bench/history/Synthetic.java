package ai.soul.bench.history;

import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.MessagePosted;
import com.github.f4b6a3.ulid.Ulid;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Synthetic but valid conversation data: ids shaped like the system's ({@code ai.soul.edge.Ids}: a
 * prefix and a ULID, here with the ULID's time set to when the thing happened), realistic text of
 * varying length, and events that pass the domain's rules and the JSON Schemas of the contract.
 * Not thread-safe; one instance per thread.
 */
public final class Synthetic {

    private static final String[] WORDS = ("the a to and of we you I it for on with that this is be can will our your "
            + "meeting pricing sheet contract customer team project deadline invoice order delivery account update "
            + "report budget quarter goals review plan schedule call email message support ticket issue bug fix "
            + "release feature request feedback proposal draft agenda notes summary question answer follow-up "
            + "tomorrow today next week Monday Friday morning afternoon please thanks sure great sounds good "
            + "let me know could would should need want think send share check confirm discuss move cancel "
            + "renewal discount subscription trial onboarding migration integration API dashboard export data "
            + "shipping warehouse supplier partner vendor legal finance marketing sales product design engineering "
            + "about after before from into over under between again also just still already soon later maybe "
            + "numbers figures slides document attachment link calendar invite room office remote travel flight "
            + "hotel lunch dinner coffee price cost estimate total payment refund balance due overdue approved").split(" ");
    private static final String[] TITLES = {"Meeting notes", "Q1 goals", "Pricing discussion", "Customer call", "Support ticket",
            "Weekly sync", "Contract renewal", "Onboarding", "Product feedback", "Travel plans", "Invoice question",
            "Project kickoff", "Design review", "Sales pipeline", "Bug report", "Hiring", "Budget review", "Release planning"};
    private static final String[] NAMES = {"john", "jane", "alex", "maria", "li", "omar", "sara", "tom", "priya", "lucas", "emma", "noah"};
    private static final String[] SOURCES = {"email", "email", "whatsapp", "api", "api"};
    private static final String[] LLMS = {"gpt-4o", "claude-sonnet-4", "llama-3.1-70b"};

    private final SplittableRandom random;

    public Synthetic(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A generator whose ids do not repeat those of any other run. */
    public static Synthetic unseeded() {
        return new Synthetic(new SecureRandom().nextLong());
    }

    public SplittableRandom random() {
        return random;
    }

    /** {@code prefix_} and a ULID of that millisecond, as {@code Ids.next(prefix)} makes at that time. */
    public String id(String prefix, long epochMilli) {
        byte[] entropy = new byte[Ulid.RANDOM_BYTES];
        long a = random.nextLong();
        long b = random.nextLong();
        for (int i = 0; i < 8; i++) {
            entropy[i] = (byte) (a >>> (8 * i));
        }
        entropy[8] = (byte) b;
        entropy[9] = (byte) (b >>> 8);
        return prefix + "_" + new Ulid(epochMilli, entropy);
    }

    /** A random (version 4) UUID, as Axon makes event identifiers, without SecureRandom's cost. */
    public String uuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * A version 7 UUID (RFC 9562): the millisecond first, then random bits. Unique like a random one,
     * but ids made in time order sort in time order, so a B-tree index over them grows at its end.
     */
    public String uuid(long epochMilli) {
        long msb = (epochMilli << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** The metadata the system's command gateway puts on an event. */
    public Map<String, String> eventMetadata() {
        String id = uuid();
        return Map.of("traceId", id, "correlationId", id);
    }

    /**
     * A message-sized length: mostly short chat lines, some paragraphs, a few long texts (mean ≈ 230
     * characters, never more than 4,000 of the 10,000 allowed).
     */
    public int messageLength() {
        int bucket = random.nextInt(100);
        if (bucket < 55) {
            return 10 + random.nextInt(110);
        }
        if (bucket < 90) {
            return 120 + random.nextInt(380);
        }
        return 500 + random.nextInt(1500 + (bucket >= 98 ? 2000 : 0));
    }

    /** Sentences of words, about {@code length} characters (at least one word, never more than length + a word). */
    public String text(int length) {
        StringBuilder out = new StringBuilder(length + 16);
        boolean sentenceStart = true;
        while (out.length() < length) {
            if (out.length() > 0) {
                out.append(' ');
            }
            String word = WORDS[random.nextInt(WORDS.length)];
            if (sentenceStart) {
                out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                sentenceStart = false;
            } else {
                out.append(word);
            }
            if (random.nextInt(10) == 0) {
                out.append(random.nextInt(3) == 0 ? '?' : '.');
                sentenceStart = true;
            } else if (random.nextInt(20) == 0) {
                out.append(',');
            }
        }
        char last = out.charAt(out.length() - 1);
        if (last != '.' && last != '?') {
            if (last == ',') {
                out.setLength(out.length() - 1);
            }
            out.append('.');
        }
        return out.toString();
    }

    public ConversationCreated conversationCreated(String conversationId, String accountId) {
        String title = TITLES[random.nextInt(TITLES.length)] + (random.nextBoolean() ? "" : " - " + text(10 + random.nextInt(40)));
        String content = random.nextInt(10) < 3 ? null : text(20 + random.nextInt(380));
        Map<String, Object> metadata = switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> Map.of("participants", List.of(email(), email()));
            case 5, 6 -> Map.of("channel", "support", "priority", random.nextBoolean() ? "high" : "normal");
            default -> Map.of();
        };
        String systemPrompt = random.nextInt(5) == 0 ? "You are a helpful assistant. " + text(30 + random.nextInt(120)) : null;
        String llmId = random.nextInt(10) < 3 ? LLMS[random.nextInt(LLMS.length)] : null;
        return new ConversationCreated(conversationId, accountId, title.length() > 200 ? title.substring(0, 200) : title,
                content, SOURCES[random.nextInt(SOURCES.length)], metadata, systemPrompt, llmId, null);
    }

    /** A message at {@code index}: users ask (even indexes), agents answer (odd ones). */
    public MessagePosted messagePosted(String conversationId, String accountId, String messageId, int index) {
        return messagePosted(conversationId, accountId, messageId, index, messageLength());
    }

    public MessagePosted messagePosted(String conversationId, String accountId, String messageId, int index, int length) {
        return new MessagePosted(conversationId, accountId, messageId, index, index % 2 == 0 ? "user" : "agent", text(length));
    }

    private String email() {
        return NAMES[random.nextInt(NAMES.length)] + "@example.com";
    }
}
