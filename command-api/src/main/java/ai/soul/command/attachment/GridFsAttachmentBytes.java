package ai.soul.command.attachment;

import ai.soul.domain.attachment.AttachmentBytes;
import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.model.GridFSFile;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import org.bson.BsonString;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bytes of attachments in GridFS, each file under its attachment id, with the attachment,
 * conversation and account in its metadata.
 */
@Component
class GridFsAttachmentBytes implements AttachmentBytes {

    private final GridFSBucket bucket;

    GridFsAttachmentBytes(@Qualifier("attachmentBucket") GridFSBucket attachmentBucket) {
        this.bucket = attachmentBucket;
    }

    /** Streams the bytes into GridFS chunk by chunk, digesting them on the way. */
    @Override
    public Stored store(String attachmentId, String conversationId, String accountId, String filename, String mimeType, InputStream in) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Document metadata = new Document("attachment_id", attachmentId).append("conversation_id", conversationId)
                .append("account_id", accountId).append("content_type", mimeType);
        try (var counted = new CountingStream(new DigestInputStream(in, sha256))) {
            bucket.uploadFromStream(new BsonString(attachmentId), filename, counted, new GridFSUploadOptions().metadata(metadata));
            return new Stored(counted.count, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Owner> owner(String attachmentId) {
        GridFSFile file = bucket.find(Filters.eq("_id", new BsonString(attachmentId))).first();
        if (file == null || file.getMetadata() == null) {
            return Optional.empty();
        }
        return Optional.of(new Owner(file.getMetadata().getString("conversation_id"), file.getMetadata().getString("account_id")));
    }

    @Override
    public void discard(String attachmentId) {
        try {
            bucket.delete(new BsonString(attachmentId));
        } catch (MongoGridFSException gone) {
            // "No file found with the id": deleted before
        }
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
