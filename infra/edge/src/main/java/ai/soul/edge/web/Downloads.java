package ai.soul.edge.web;

import org.springframework.http.ContentDisposition;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;

/** The {@code Content-Disposition} of a downloaded file: attachments' and exports'. */
public final class Downloads {

    private static final Pattern BREAKS = Pattern.compile("[\\t\\n\\u000B\\f\\r\\u0085\\u2028\\u2029]+");
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Cs}]");

    private Downloads() {
    }

    /**
     * RFC 6266: {@code attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>}, as
     * Spring's ContentDisposition writes it. The name is cleaned first by the rule uploads are cleaned by
     * (the domain's Filenames, which the read side does not depend on): line breaks and tabs become a space,
     * control and format characters (bidirectional controls among them) go, NFC. Names stored before that
     * rule may hold them, and the percent-encoding would carry them into the name a client saves.
     */
    public static String contentDisposition(String filename) {
        String visible = filename == null ? "" : INVISIBLE.matcher(BREAKS.matcher(filename).replaceAll(" ")).replaceAll("").strip();
        String name = visible.isEmpty() ? "file" : Normalizer.normalize(visible, Normalizer.Form.NFC);
        return ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString();
    }
}
