package ai.soul.export;

import ai.soul.domain.export.ExportRenderer;
import ai.soul.projections.attachment.Attachments;
import ai.soul.projections.conversation.Conversations;
import ai.soul.projections.conversation.MessageDocument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each format's content, read back with a parser of that format; the PDF also as a picture. */
class RenderersTest {

    static final String EXPORT = "exp_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final Instant T0 = Instant.parse("2024-01-05T09:30:00Z");

    static List<ExportedConversation> sample() {
        var planning = new ExportedConversation("conv_01JAAAAAAAAAAAAAAAAAAAAAA1", "Quarterly planning, \"Q1\"", "Agenda for the review",
                "email", T0, T0.plusSeconds(600), List.of(
                new ExportedConversation.Message("msg_1", 0, "user", "Can we move the review to Friday?\nIt clashes with the offsite, sadly.", T0),
                new ExportedConversation.Message("msg_2", 1, "agent", "Friday works; I have moved it to 10:00. " + "The agenda stays as it is. ".repeat(12),
                        T0.plusSeconds(5))), List.of());
        var unicode = new ExportedConversation("conv_01JAAAAAAAAAAAAAAAAAAAAAA2", "Résumé – 季度 review ✓", null, "whatsapp",
                T0.plusSeconds(86_400), T0.plusSeconds(86_400), List.of(
                new ExportedConversation.Message("msg_3", 0, "user", "Привет! Ça va? 😀 \t tab and a very long word "
                        + "x".repeat(200), T0.plusSeconds(86_400)),
                new ExportedConversation.Message("msg_4", 1, "agent", "Γειά σου, κόσμε", T0.plusSeconds(86_401))), List.of());
        return List.of(planning, unicode);
    }

    static byte[] write(Format.Writer writer, List<ExportedConversation> conversations) throws IOException {
        var out = new ByteArrayOutputStream();
        writer.write(EXPORT, conversations, out);
        return out.toByteArray();
    }

    @Test
    void jsonIsOneDocumentWithTheConversationsAndTheirMessages() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(write(new JsonExport(), sample()));
        assertThat(doc.get("export_id").asText()).isEqualTo(EXPORT);
        assertThat(doc.get("count").asInt()).isEqualTo(2);
        JsonNode first = doc.get("conversations").get(0);
        assertThat(first.get("id").asText()).isEqualTo("conv_01JAAAAAAAAAAAAAAAAAAAAAA1");
        assertThat(first.get("title").asText()).isEqualTo("Quarterly planning, \"Q1\"");
        assertThat(first.get("created_at").asText()).isEqualTo("2024-01-05T09:30:00Z");
        assertThat(first.get("messages")).hasSize(2);
        assertThat(first.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(first.get("messages").get(0).get("content").asText()).isEqualTo("Can we move the review to Friday?\nIt clashes with the offsite, sadly.");
        assertThat(doc.get("conversations").get(1).get("title").asText()).isEqualTo("Résumé – 季度 review ✓");
        assertThat(doc.get("conversations").get(1).get("content").isNull()).isTrue();
    }

    @Test
    void csvHasAHeaderAndOneRfc4180RowPerMessage() throws IOException {
        String csv = new String(write(new CsvExport(), sample()), StandardCharsets.UTF_8);
        assertThat(csv).startsWith("\uFEFFconversation_id,conversation_title,");
        List<List<String>> rows = parse(csv.substring(1));
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0)).isEqualTo(CsvExport.HEADER);
        assertThat(rows.get(1)).containsExactly("conv_01JAAAAAAAAAAAAAAAAAAAAAA1", "Quarterly planning, \"Q1\"", "2024-01-05T09:30:00Z",
                "msg_1", "0", "user", "Can we move the review to Friday?\nIt clashes with the offsite, sadly.", "2024-01-05T09:30:00Z");
        assertThat(rows.get(4).get(6)).isEqualTo("Γειά σου, κόσμε");
        assertThat(csv).contains("\"Quarterly planning, \"\"Q1\"\"\"").endsWith("\r\n");
    }

    /** OWASP's CSV injection guidance: a cell a spreadsheet would read as a formula starts with a quote, and is quoted. */
    @Test
    void csvCellsThatASpreadsheetWouldEvaluateAreWrittenAsText() throws IOException {
        List<String> payloads = List.of("=cmd|' /C calc'!A0", "+1+1", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")",
                "\uFF1D1+1");
        List<ExportedConversation.Message> messages = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            messages.add(new ExportedConversation.Message("msg_" + i, i, "user", payloads.get(i), T0));
        }
        var hostile = new ExportedConversation("conv_1", "=1+2", null, "api", T0, T0, messages, List.of());
        String csv = new String(write(new CsvExport(), List.of(hostile)), StandardCharsets.UTF_8);
        List<List<String>> rows = parse(csv.substring(1));
        assertThat(rows).hasSize(payloads.size() + 1);
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(rows.get(i + 1).get(1)).isEqualTo("'=1+2");
            assertThat(rows.get(i + 1).get(6)).isEqualTo("'" + payloads.get(i));
        }
        assertThat(csv).contains(",\"'=cmd|' /C calc'!A0\",", ",\"'+1+1\",", ",\"'@SUM(1+1)\",", ",\"'=1+2\",")
                .doesNotContain(",=", ",+", ",@", ",-2");
        // ordinary text is left as it was
        assertThat(CsvExport.quote("a - b = c")).isEqualTo("a - b = c");
        assertThat(CsvExport.quote("")).isEmpty();
    }

    @Test
    void markdownHasAHeadingPerConversationAndPerMessage() throws IOException {
        String md = new String(write(new MarkdownExport(), sample()), StandardCharsets.UTF_8);
        List<String> h2 = md.lines().filter(l -> l.startsWith("## ")).toList();
        assertThat(h2).containsExactly("## Quarterly planning, \"Q1\"", "## Résumé – 季度 review ✓");
        assertThat(md.lines().filter(l -> l.startsWith("### ")).count()).isEqualTo(4);
        assertThat(md).startsWith("# Conversations\n").contains("### user · 2024-01-05T09:30:00Z\n\nCan we move the review to Friday?");
    }

    @Test
    void pdfShowsEveryConversationAndMessageAndSurvivesAnyText() throws IOException {
        List<ExportedConversation> many = new ArrayList<>(sample());
        for (int i = 0; i < 30; i++) {
            many.add(new ExportedConversation("conv_" + i, "Filler conversation " + i, null, "api", T0, T0,
                    List.of(new ExportedConversation.Message("m" + i, 0, "user", "Line of text number " + i + ". ".repeat(3), T0)), List.of()));
        }
        byte[] bytes = write(new PdfExport(null), many);
        assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            assertThat(pdf.getNumberOfPages()).as("page breaks").isGreaterThan(1);
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Quarterly planning, \"Q1\"", "Can we move the review to Friday?", "It clashes with the offsite",
                    "Friday works; I have moved it to 10:00.", "Filler conversation 29", "2024-01-05 09:30 UTC");
            // with a Unicode font (DejaVu here) the other scripts print; without one they are '?', never a crash
            assertThat(text).contains("Привет! Ça va?", "Γειά σου, κόσμε", "Résumé");
            BufferedImage page = new PDFRenderer(pdf).renderImageWithDPI(0, 110);
            Path png = Path.of("target", "export-page-1.png");
            Files.createDirectories(png.getParent());
            ImageIO.write(page, "png", png.toFile());
            assertThat(Files.size(png)).isGreaterThan(10_000);
        }
    }

    @Test
    void pdfWithoutAUnicodeFontPrintsQuestionMarksInsteadOfFailing() throws IOException {
        byte[] bytes = write(PdfExport.helvetica(), sample());
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Quarterly planning", "Ça va?", "Résumé", "?????!");
        }
    }

    @Test
    void aZipHoldsTheFileAndEveryAttachmentsBytes() throws IOException {
        MongoServer server = new MongoServer(new MemoryBackend());
        try (MongoClient client = MongoClients.create("mongodb://" + hostPort(server.bind()))) {
            MongoDatabase db = client.getDatabase("test");
            GridFSBucket attachments = GridFSBuckets.create(db, "attachments");
            GridFSBucket exports = GridFSBuckets.create(db, "exports");
            byte[] png = new byte[3000];
            for (int i = 0; i < png.length; i++) png[i] = (byte) i;
            attachments.uploadFromStream(new BsonString("att_1"), "../../etc/passwd", new ByteArrayInputStream(png));
            String account = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
            Date created = Date.from(Instant.parse("2024-01-10T12:00:00Z"));
            db.getCollection("conversations").insertOne(new Document("_id", "conv_1").append("account_id", account)
                    .append("title", "With a file").append("source", "api").append("deleted", false).append("message_count", 1)
                    .append("created_at", created).append("updated_at", created));
            db.getCollection("conversations").insertOne(new Document("_id", "conv_2").append("account_id", account)
                    .append("title", "Too late").append("source", "api").append("deleted", false).append("message_count", 0)
                    .append("created_at", Date.from(Instant.parse("2024-02-01T00:00:00Z"))).append("updated_at", created));
            db.getCollection("messages").insertOne(new Document("_id", MessageDocument.key("conv_1", 0)).append("id", "msg_1")
                    .append("index", 0).append("role", "user").append("content", "See the picture").append("created_at", created));
            db.getCollection("attachments").insertOne(new Document("_id", "att_1").append("conversation_id", "conv_1")
                    .append("account_id", account).append("filename", "../../etc/passwd").append("mime_type", "image/png")
                    .append("size", (long) png.length).append("storage_id", "att_1").append("deleted", false));
            // a name stored before uploads were cleaned (finding 13 of issue 10): right-to-left override, CRLF, control bytes
            attachments.uploadFromStream(new BsonString("att_2"), "x", new ByteArrayInputStream(new byte[]{1, 2, 3}));
            db.getCollection("attachments").insertOne(new Document("_id", "att_2").append("conversation_id", "conv_1")
                    .append("account_id", account).append("filename", "invoice\u202Efdp.exe\r\n\u0001\u0007\u001B").append("mime_type", "text/plain")
                    .append("size", 3L).append("storage_id", "att_2").append("deleted", false));

            var renderer = new GridFsExports(new Conversations(db), new Attachments(db), attachments, exports, null);
            List<Integer> progress = new ArrayList<>();
            ExportRenderer.Rendered r = renderer.render(new ExportRenderer.Request(EXPORT, account, "md",
                    LocalDate.parse("2024-01-01"), LocalDate.parse("2024-01-31"), true), progress::add);

            assertThat(r.conversations()).isEqualTo(1);
            assertThat(r.contentType()).isEqualTo("application/zip");
            assertThat(r.fileName()).isEqualTo(EXPORT + ".zip");
            assertThat(progress).isSorted().last().isEqualTo(95);
            var stored = new ByteArrayOutputStream();
            exports.downloadToStream(new ObjectId(r.fileId()), stored);
            assertThat((long) stored.size()).isEqualTo(r.sizeBytes());
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (var zip = new ZipInputStream(new ByteArrayInputStream(stored.toByteArray()))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) entries.put(e.getName(), zip.readAllBytes());
            }
            assertThat(entries.keySet()).containsExactly("conversations.md", "attachments/conv_1/att_1-__.._etc_passwd",
                    "attachments/conv_1/att_2-invoicefdp.exe");
            assertThat(new String(entries.get("conversations.md"), StandardCharsets.UTF_8)).contains("## With a file", "See the picture")
                    .contains("- invoicefdp.exe (text/plain, 3 bytes)").doesNotContain("Too late").doesNotContain("\u202E");
            assertThat(entries.get("attachments/conv_1/att_1-__.._etc_passwd")).isEqualTo(png);

            renderer.delete(r.fileId());
            renderer.delete(r.fileId());
            assertThat(exports.find().first()).isNull();
        } finally {
            server.shutdownNow();
        }
    }

    private static String hostPort(java.net.InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parse(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') { field.append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { row.add(field.toString()); field.setLength(0); }
            else if (c == '\r' && csv.charAt(i + 1) == '\n') { row.add(field.toString()); field.setLength(0); rows.add(row); row = new ArrayList<>(); i++; }
            else field.append(c);
        }
        return rows;
    }
}
