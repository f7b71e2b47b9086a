package ai.soul.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One row per message, RFC 4180: a header row, CRLF line ends, a field quoted when it holds a
 * comma, a quote, CR or LF, its quotes doubled. UTF-8 with a byte order mark, so spreadsheet
 * programs read non-ASCII text right. A field a spreadsheet would evaluate as a formula is written
 * as text ({@link #FORMULA_START}). (Quoting is all RFC 4180 asks; a library for it would be bigger than the rule.)
 */
final class CsvExport implements Format.Writer {

    /**
     * A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
     * (OWASP, CSV injection): =, +, -, @, tab, CR, and LF and NUL, which some of them skip first, and the
     * full-width =, +, - and @, which some locales read as the plain ones. Such a cell gets a leading
     * single quote, which spreadsheets take as "text", and is quoted.
     */
    static final String FORMULA_START = "=+-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20";

    static final List<String> HEADER = List.of("conversation_id", "conversation_title", "conversation_created_at", "message_id",
            "message_index", "role", "content", "message_created_at");

    @Override
    public void write(String exportId, List<ExportedConversation> conversations, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write('\uFEFF');
        row(w, HEADER);
        for (ExportedConversation c : conversations) {
            for (ExportedConversation.Message m : c.messages()) {
                row(w, List.of(c.id(), nonNull(c.title()), String.valueOf(c.createdAt()), m.id(), Integer.toString(m.index()),
                        m.role(), nonNull(m.content()), String.valueOf(m.createdAt())));
            }
        }
        w.flush();
    }

    private static void row(Writer w, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) w.write(',');
            w.write(quote(fields.get(i)));
        }
        w.write("\r\n");
    }

    static String quote(String field) {
        if (!field.isEmpty() && FORMULA_START.indexOf(field.charAt(0)) >= 0) {
            return '"' + "'" + field.replace("\"", "\"\"") + '"';
        }
        boolean needs = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\r') >= 0 || field.indexOf('\n') >= 0;
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
