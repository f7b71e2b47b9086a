package ai.soul.export;

import ai.soul.domain.conversation.Filenames;
import ai.soul.domain.export.ExportRenderer;
import ai.soul.projections.Paging;
import ai.soul.projections.attachment.Attachments;
import ai.soul.projections.conversation.ConversationDocument;
import ai.soul.projections.conversation.Conversations;
import ai.soul.projections.conversation.MessageDocument;
import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSDownloadStream;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The renderer port on the read models and GridFS. The conversations come from the read models
 * (indexed by account and creation time; the event store has no index by account), so an export
 * holds what the read models hold when it runs, a moment behind the newest writes. The file is
 * written to a temporary file first, then streamed into the {@code exports} bucket under a fresh
 * id per render (a repeated render never overwrites the recorded file); with attachments it is a
 * zip of the file and the attachments' bytes under {@code attachments/<conversation id>/}.
 * Progress: reading 0-60, writing 60-85, zipping 85-95, storing 95-99.
 */
public final class GridFsExports implements ExportRenderer {

    private static final int PAGE = 500;
    private static final Map<Format, Format.Writer> WRITERS = Map.of(
            Format.JSON, new JsonExport(), Format.CSV, new CsvExport(), Format.MD, new MarkdownExport());

    private final Conversations conversations;
    private final Attachments attachments;
    private final GridFSBucket attachmentBucket;
    private final GridFSBucket exportBucket;
    private final PdfExport pdf;

    public GridFsExports(Conversations conversations, Attachments attachments, GridFSBucket attachmentBucket,
                         GridFSBucket exportBucket, String pdfFont) {
        this.conversations = conversations;
        this.attachments = attachments;
        this.attachmentBucket = attachmentBucket;
        this.exportBucket = exportBucket;
        this.pdf = new PdfExport(pdfFont);
    }

    @Override
    public Rendered render(Request request, IntConsumer progress) {
        Format format = Format.of(request.format());
        List<ExportedConversation> found = read(request, progress);
        Path file = null;
        Path zip = null;
        try {
            file = Files.createTempFile("soul-export-", "." + format.extension);
            try (OutputStream out = Files.newOutputStream(file)) {
                writer(format).write(request.exportId(), found, out);
            }
            progress.accept(85);
            String name = request.exportId() + "." + format.extension;
            String contentType = format.contentType;
            Path stored = file;
            if (request.includeAttachments()) {
                zip = Files.createTempFile("soul-export-", ".zip");
                zip(file, "conversations." + format.extension, found, zip);
                stored = zip;
                name = request.exportId() + ".zip";
                contentType = "application/zip";
            }
            progress.accept(95);
            ObjectId id = new ObjectId();
            Document metadata = new Document("export_id", request.exportId()).append("account_id", request.accountId())
                    .append("content_type", contentType);
            try (InputStream in = Files.newInputStream(stored)) {
                exportBucket.uploadFromStream(new org.bson.BsonObjectId(id), name, in, new GridFSUploadOptions().metadata(metadata));
            }
            return new Rendered(id.toHexString(), name, contentType, Files.size(stored), found.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(file);
            deleteQuietly(zip);
        }
    }

    Format.Writer writer(Format format) {
        return format == Format.PDF ? pdf : WRITERS.get(format);
    }

    /** The conversations created on the days asked for (UTC, inclusive), oldest first, with their messages. */
    List<ExportedConversation> read(Request request, IntConsumer progress) {
        Instant from = request.from() == null ? null : request.from().atStartOfDay(ZoneOffset.UTC).toInstant();
        LocalDate last = request.to();
        Instant until = last == null ? null : last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<ConversationDocument> docs = conversations.createdBetween(request.accountId(), from, until);
        List<ExportedConversation> found = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            ConversationDocument c = docs.get(i);
            List<ExportedConversation.Message> messages = new ArrayList<>();
            for (int page = 1; ; page++) {
                Paging.Page<MessageDocument> p = conversations.messages(c, page, PAGE);
                for (MessageDocument m : p.items()) {
                    messages.add(new ExportedConversation.Message(m.id(), m.index(), m.role(), m.content(), m.createdAt()));
                }
                if ((long) page * PAGE >= p.total()) break;
            }
            List<ExportedConversation.Attachment> files = attachments.of(c.id()).stream()
                    .map(a -> new ExportedConversation.Attachment(a.id(), Filenames.clean(a.filename()), a.mimeType(), a.size(), a.storageId()))
                    .toList();
            found.add(new ExportedConversation(c.id(), c.title(), c.content(), c.source(), c.createdAt(), c.updatedAt(), messages, files));
            progress.accept(60 * (i + 1) / docs.size());
        }
        return found;
    }

    /** The file and every attachment's bytes; an attachment deleted since the read is left out. */
    void zip(Path file, String entryName, List<ExportedConversation> found, Path target) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            zip.putNextEntry(new ZipEntry(entryName));
            Files.copy(file, zip);
            zip.closeEntry();
            for (ExportedConversation c : found) {
                for (ExportedConversation.Attachment a : c.attachments()) {
                    GridFSDownloadStream in;
                    try {
                        in = attachmentBucket.openDownloadStream(new BsonString(a.storageId()));
                    } catch (MongoGridFSException gone) {
                        continue;
                    }
                    try (in) {
                        zip.putNextEntry(new ZipEntry("attachments/" + c.id() + "/" + a.id() + "-" + safeName(a.filename())));
                        in.transferTo(zip);
                        zip.closeEntry();
                    }
                }
            }
        }
    }

    /**
     * A name that stays inside its folder when unzipped and shows as what it is: cleaned like an upload
     * (no control or bidirectional characters, even in names stored before that rule), no separators, no "..".
     */
    static String safeName(String filename) {
        String name = filename == null ? "file" : Filenames.clean(filename).replaceAll("[\\\\/:*?\"<>|]", "_").strip();
        name = name.replaceAll("^\\.+", "_");
        return name.isEmpty() ? "file" : name.length() > 150 ? name.substring(name.length() - 150) : name;
    }

    @Override
    public void delete(String fileId) {
        if (!ObjectId.isValid(fileId)) {
            return;
        }
        try {
            exportBucket.delete(new ObjectId(fileId));
        } catch (MongoGridFSException gone) {
            // deleted before: deletions repeat on redelivery
        }
    }

    @Override
    public void deleteOthers(String exportId, String keptFileId) {
        for (var file : exportBucket.find(Filters.eq("metadata.export_id", exportId))) {
            if (keptFileId == null || !file.getObjectId().toHexString().equals(keptFileId)) {
                delete(file.getObjectId().toHexString());
            }
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) return;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            path.toFile().deleteOnExit();
        }
    }
}
