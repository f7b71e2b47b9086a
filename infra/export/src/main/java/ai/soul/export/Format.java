package ai.soul.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** The four formats, each with its media type, file extension and writer. */
enum Format {
    JSON("application/json", "json"),
    CSV("text/csv; charset=utf-8", "csv"),
    MD("text/markdown; charset=utf-8", "md"),
    PDF("application/pdf", "pdf");

    /** Writes the conversations to {@code out}. */
    interface Writer {
        void write(String exportId, List<ExportedConversation> conversations, OutputStream out) throws IOException;
    }

    final String contentType;
    final String extension;

    Format(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    static Format of(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
