package ai.soul.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/** One JSON document: the export's id and the conversations, each with its messages and attachments, snake_case like the API. */
final class JsonExport implements Format.Writer {

    private static final JsonFactory FACTORY = new JsonFactory();

    @Override
    public void write(String exportId, List<ExportedConversation> conversations, OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("export_id", exportId);
            json.writeNumberField("count", conversations.size());
            json.writeArrayFieldStart("conversations");
            for (ExportedConversation c : conversations) {
                json.writeStartObject();
                json.writeStringField("id", c.id());
                json.writeStringField("title", c.title());
                json.writeStringField("content", c.content());
                json.writeStringField("source", c.source());
                json.writeStringField("created_at", text(c.createdAt()));
                json.writeStringField("updated_at", text(c.updatedAt()));
                json.writeArrayFieldStart("messages");
                for (ExportedConversation.Message m : c.messages()) {
                    json.writeStartObject();
                    json.writeStringField("id", m.id());
                    json.writeNumberField("index", m.index());
                    json.writeStringField("role", m.role());
                    json.writeStringField("content", m.content());
                    json.writeStringField("created_at", text(m.createdAt()));
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeArrayFieldStart("attachments");
                for (ExportedConversation.Attachment a : c.attachments()) {
                    json.writeStartObject();
                    json.writeStringField("id", a.id());
                    json.writeStringField("filename", a.filename());
                    json.writeStringField("mime_type", a.mimeType());
                    json.writeNumberField("size", a.size());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
