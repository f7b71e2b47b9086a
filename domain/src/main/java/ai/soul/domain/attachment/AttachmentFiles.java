package ai.soul.domain.attachment;

import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.domain.account.AccountCommands.ReserveStorage;
import ai.soul.domain.conversation.AttachmentView;
import ai.soul.domain.conversation.ConversationCommands.AttachFile;
import ai.soul.domain.conversation.ConversationCommands.CheckAttachment;
import ai.soul.domain.conversation.ConversationCommands.DeleteAttachment;
import ai.soul.schemas.conversation.AttachmentDeleted;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The files of attachments: their bytes ({@link AttachmentBytes}) and the account's storage they take.
 * <p>
 * An upload is checked by the conversation first (owner, not deleted, filename), so nothing is stored
 * for a refused file; then the account reserves its size (the account aggregate decides one command
 * at a time, so concurrent uploads cannot together exceed the quota), the bytes are stored, and the
 * conversation records the attachment. A failure after the reservation (the bytes could not be read
 * or stored, or the conversation refused the attachment, e.g. deleted meanwhile) gives the bytes and
 * the reservation back. A process on the caller's thread, not a saga: the bytes stream from the
 * request, and the answer is the recorded attachment.
 * <p>
 * Every deleted attachment, on its own or with its conversation, gives its storage back and loses its
 * bytes ({@link #on(AttachmentDeleted)}, a tracking processor that resumes after a crash and retries a
 * failure; both steps are idempotent). A deletion through {@link #delete} does it at once as well, so
 * the space is free for the next upload.
 */
@ProcessingGroup(AttachmentFiles.GROUP)
public class AttachmentFiles {

    public static final String GROUP = "attachment-cleanup";

    /** The bytes of an upload, opened once when they are stored. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    /**
     * An upload as the request brings it: the filename asked for, the size the request announced, the
     * bytes, and how to tell their type from the filename the conversation keeps.
     */
    public record Upload(String conversationId, String accountId, String filename, long size, Content content,
                         UnaryOperator<String> mimeTypeOf) {
    }

    private final CommandGateway commands;
    private final AttachmentBytes bytes;
    private final Supplier<String> attachmentIds;
    private final long quotaBytes;

    /** {@code quotaBytes}: the account's storage quota, which its attachments and exports share. */
    public AttachmentFiles(CommandGateway commands, AttachmentBytes bytes, Supplier<String> attachmentIds, long quotaBytes) {
        this.commands = commands;
        this.bytes = bytes;
        this.attachmentIds = attachmentIds;
        this.quotaBytes = quotaBytes;
    }

    /** Stores and records an upload, or gives back what it took and throws why not. */
    public AttachmentView upload(Upload upload) {
        String filename = commands.sendAndWait(new CheckAttachment(upload.conversationId(), upload.accountId(), upload.filename()));
        String mimeType = upload.mimeTypeOf().apply(filename);
        String attachmentId = attachmentIds.get();
        commands.sendAndWait(new ReserveStorage(upload.accountId(), attachmentId, upload.size(), quotaBytes));
        try {
            AttachmentBytes.Stored stored;
            try (InputStream in = upload.content().open()) {
                stored = bytes.store(attachmentId, upload.conversationId(), upload.accountId(), filename, mimeType, in);
            }
            return commands.sendAndWait(new AttachFile(upload.conversationId(), upload.accountId(), attachmentId, filename, mimeType,
                    stored.size(), stored.sha256(), attachmentId));
        } catch (IOException e) {
            throw givenBack(new UncheckedIOException(e), upload.accountId(), attachmentId);
        } catch (RuntimeException e) {
            throw givenBack(e, upload.accountId(), attachmentId);
        }
    }

    /** Gives the bytes and the reservation back; a failure doing so is added to the failure that caused it. */
    private RuntimeException givenBack(RuntimeException cause, String accountId, String attachmentId) {
        try {
            bytes.discard(attachmentId);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            commands.sendAndWait(new ReleaseStorage(accountId, attachmentId));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        return cause;
    }

    /** The conversation of the account's attachment; empty for an unknown id and for another account's. */
    public Optional<String> conversationOf(String accountId, String attachmentId) {
        return bytes.owner(attachmentId).filter(owner -> accountId.equals(owner.accountId())).map(AttachmentBytes.Owner::conversationId);
    }

    /** Deletes the attachment and frees its storage at once; answers the conversation's version after the deletion. */
    public long delete(String conversationId, String accountId, String attachmentId) {
        long version = commands.sendAndWait(new DeleteAttachment(conversationId, accountId, attachmentId));
        free(accountId, attachmentId);
        return version;
    }

    @EventHandler
    void on(AttachmentDeleted e) {
        free(e.accountId(), e.attachmentId());
    }

    private void free(String accountId, String attachmentId) {
        commands.sendAndWait(new ReleaseStorage(accountId, attachmentId));
        bytes.discard(attachmentId);
    }
}
