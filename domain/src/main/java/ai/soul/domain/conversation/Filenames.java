package ai.soul.domain.conversation;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * What an attachment may be called, decided where the upload is decided. A client's name is cleaned
 * before it is checked: line breaks and tabs become one space; other control characters, format
 * characters (the bidirectional controls U+202A-U+202E and U+2066-U+2069, the marks U+200E, U+200F and
 * U+061C, zero-width characters, the byte order mark, the soft hyphen) and lone surrogates are
 * removed, so that a name can neither break a header nor show itself as another ("invoice\u202Efdp.exe"
 * reads as "invoiceexe.pdf"); the result is NFC, one spelling per visible name; directories go.
 */
public final class Filenames {

    static final int MAX = 255;
    private static final Pattern BREAKS = Pattern.compile("[\\t\\n\\u000B\\f\\r\\u0085\\u2028\\u2029]+");
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Cs}]");

    private Filenames() {
    }

    /** The name without control and format characters, NFC, stripped; null stays null. Also for names stored before this rule. */
    public static String clean(String name) {
        if (name == null) {
            return null;
        }
        String visible = INVISIBLE.matcher(BREAKS.matcher(name).replaceAll(" ")).replaceAll("");
        return Normalizer.normalize(visible, Normalizer.Form.NFC).strip();
    }

    /** The cleaned name without any directories a client put in front of it ('/' and '\\' both separate); "" when nothing is left. */
    static String baseName(String filename) {
        String cleaned = clean(filename);
        if (cleaned == null) {
            return null;
        }
        String name = cleaned.substring(Math.max(cleaned.lastIndexOf('/'), cleaned.lastIndexOf('\\')) + 1).strip();
        return name.equals(".") || name.equals("..") ? "" : name;
    }
}
