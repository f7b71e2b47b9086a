package ai.soul.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A heading per conversation with its dates, then each message under its role and time; the text as written. */
final class MarkdownExport implements Format.Writer {

    @Override
    public void write(String exportId, List<ExportedConversation> conversations, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write("# Conversations\n\n");
        w.write("Export " + exportId + ", " + conversations.size() + " conversation" + (conversations.size() == 1 ? "" : "s") + ".\n");
        for (ExportedConversation c : conversations) {
            w.write("\n## " + oneLine(c.title()) + "\n\n");
            w.write("- id: `" + c.id() + "`\n");
            w.write("- source: " + c.source() + "\n");
            w.write("- created: " + c.createdAt() + "\n");
            w.write("- updated: " + c.updatedAt() + "\n");
            if (c.content() != null && !c.content().isBlank()) {
                w.write("\n" + quoted(c.content()) + "\n");
            }
            for (ExportedConversation.Message m : c.messages()) {
                w.write("\n### " + m.role() + " · " + m.createdAt() + "\n\n");
                w.write(m.content() == null ? "" : m.content().strip());
                w.write("\n");
            }
            if (!c.attachments().isEmpty()) {
                w.write("\nAttachments:\n\n");
                for (ExportedConversation.Attachment a : c.attachments()) {
                    w.write("- " + oneLine(a.filename()) + " (" + a.mimeType() + ", " + a.size() + " bytes)\n");
                }
            }
        }
        w.flush();
    }

    /** A title on one line, its '#' escaped so it cannot open a deeper heading. */
    private static String oneLine(String s) {
        return s == null || s.isBlank() ? "(untitled)" : s.replaceAll("[\\r\\n]+", " ").replace("#", "\\#").strip();
    }

    private static String quoted(String s) {
        return "> " + s.strip().replaceAll("\\r?\\n", "\n> ");
    }
}
