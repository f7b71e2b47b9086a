package ai.soul.export;

import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PDF through Apache PDFBox: per conversation its title, dates and messages, text wrapped to the
 * page width, new pages as they fill. The text is set in a Unicode TrueType font (subset-embedded)
 * when one is configured or found, else in Helvetica; a character the font has no glyph for prints
 * as '?' rather than failing the export. Pages are buffered in temporary files, not memory.
 */
final class PdfExport implements Format.Writer {

    /** Where common systems keep a Unicode font; {@code soul.exports.pdf-font} overrides. */
    static final List<String> KNOWN_FONTS = List.of(
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/Library/Fonts/Arial Unicode.ttf",
            "C:/Windows/Fonts/arial.ttf");

    private static final float MARGIN = 50;
    private static final float BODY = 10;
    private static final float SMALL = 8.5f;
    private static final float TITLE = 15;
    private static final Color GREY = new Color(0x55, 0x55, 0x55);

    private static final java.time.format.DateTimeFormatter WHEN =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private final Path fontFile;

    private static String when(java.time.Instant at) {
        return at == null ? "-" : WHEN.format(at);
    }

    /** {@code configuredFont}: a TrueType file; when blank or unreadable, the first of {@link #KNOWN_FONTS} there is. */
    PdfExport(String configuredFont) {
        this.fontFile = java.util.stream.Stream.concat(
                        configuredFont == null || configuredFont.isBlank() ? java.util.stream.Stream.empty() : java.util.stream.Stream.of(configuredFont),
                        KNOWN_FONTS.stream())
                .map(Path::of).filter(Files::isReadable).findFirst().orElse(null);
    }

    private PdfExport(Path fontFile) {
        this.fontFile = fontFile;
    }

    /** With the built-in Helvetica only: what a system without a Unicode font gets. */
    static PdfExport helvetica() {
        return new PdfExport((Path) null);
    }

    @Override
    public void write(String exportId, List<ExportedConversation> conversations, OutputStream out) throws IOException {
        try (PDDocument doc = new PDDocument(IOUtils.createTempFileOnlyStreamCache())) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle("Conversations (" + exportId + ")");
            info.setCreator("Soul");
            PDFont font = fontFile == null ? new PDType1Font(Standard14Fonts.FontName.HELVETICA) : PDType0Font.load(doc, fontFile.toFile());
            try (Layout page = new Layout(doc, font)) {
                page.line("Conversations", TITLE + 4, Color.BLACK);
                page.line(exportId + " · " + conversations.size() + " conversation" + (conversations.size() == 1 ? "" : "s"), SMALL, GREY);
                for (ExportedConversation c : conversations) {
                    page.gap(TITLE);
                    page.paragraph(c.title() == null || c.title().isBlank() ? "(untitled)" : c.title(), TITLE, Color.BLACK);
                    page.line("Created " + when(c.createdAt()) + " · updated " + when(c.updatedAt()) + " · " + c.source(), SMALL, GREY);
                    if (c.content() != null && !c.content().isBlank()) {
                        page.gap(4);
                        page.paragraph(c.content(), BODY, GREY);
                    }
                    for (ExportedConversation.Message m : c.messages()) {
                        page.gap(6);
                        page.line(m.role() + " · " + when(m.createdAt()), SMALL, GREY);
                        page.paragraph(m.content() == null ? "" : m.content(), BODY, Color.BLACK);
                    }
                    for (ExportedConversation.Attachment a : c.attachments()) {
                        page.line("Attachment: " + a.filename() + " (" + a.mimeType() + ", " + a.size() + " bytes)", SMALL, GREY);
                    }
                }
            }
            doc.save(out);
        }
    }

    /** Writes lines top to bottom, opening a new page when the next line does not fit. */
    private static final class Layout implements AutoCloseable {
        private final PDDocument doc;
        private final PDFont font;
        private final Map<Integer, Boolean> printable = new HashMap<>();
        private PDPageContentStream stream;
        private float y;
        private final float width = PDRectangle.A4.getWidth() - 2 * MARGIN;

        Layout(PDDocument doc, PDFont font) throws IOException {
            this.doc = doc;
            this.font = font;
            newPage();
        }

        private void newPage() throws IOException {
            if (stream != null) stream.close();
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            stream = new PDPageContentStream(doc, page);
            y = page.getMediaBox().getHeight() - MARGIN;
        }

        void gap(float points) {
            y -= points;
        }

        void line(String text, float size, Color color) throws IOException {
            for (String l : wrap(clean(text).replace('\n', ' '), size)) {
                show(l, size, color);
            }
        }

        /** Text with its own line breaks; each line wrapped to the width. */
        void paragraph(String text, float size, Color color) throws IOException {
            for (String raw : clean(text).split("\n", -1)) {
                for (String l : wrap(raw, size)) {
                    show(l, size, color);
                }
            }
        }

        private void show(String text, float size, Color color) throws IOException {
            float leading = size * 1.35f;
            if (y - leading < MARGIN) {
                newPage();
            }
            y -= leading;
            if (text.isEmpty()) return;
            stream.beginText();
            stream.setFont(font, size);
            stream.setNonStrokingColor(color);
            stream.newLineAtOffset(MARGIN, y);
            stream.showText(text);
            stream.endText();
        }

        /** Greedy word wrap; a word wider than the line is cut where it fills it. */
        private List<String> wrap(String text, float size) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String word : text.split(" ", -1)) {
                String candidate = current.isEmpty() ? word : current + " " + word;
                if (width(candidate, size) <= width) {
                    current.setLength(0);
                    current.append(candidate);
                    continue;
                }
                if (!current.isEmpty()) {
                    lines.add(current.toString());
                    current.setLength(0);
                }
                String rest = word;
                while (width(rest, size) > width) {
                    int cut = rest.offsetByCodePoints(0, 1);
                    while (cut < rest.length() && width(rest.substring(0, rest.offsetByCodePoints(cut, 1)), size) <= width) {
                        cut = rest.offsetByCodePoints(cut, 1);
                    }
                    lines.add(rest.substring(0, cut));
                    rest = rest.substring(cut);
                }
                current.append(rest);
            }
            lines.add(current.toString());
            return lines;
        }

        private float width(String s, float size) throws IOException {
            return font.getStringWidth(s) / 1000 * size;
        }

        /** Tabs as spaces, other control characters dropped, characters without a glyph as '?'. */
        private String clean(String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.replace("\r\n", "\n").replace('\r', '\n').codePoints().forEach(cp -> {
                if (cp == '\n') out.append('\n');
                else if (cp == '\t') out.append("    ");
                else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) { /* invisible: dropped */ }
                else if (printable.computeIfAbsent(cp, this::encodes)) out.appendCodePoint(cp);
                else out.append('?');
            });
            return out.toString();
        }

        private boolean encodes(int cp) {
            try {
                font.encode(new String(Character.toChars(cp)));
                return font.getStringWidth(new String(Character.toChars(cp))) >= 0;
            } catch (IllegalArgumentException | IOException noGlyph) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
