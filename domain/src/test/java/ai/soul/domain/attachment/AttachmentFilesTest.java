package ai.soul.domain.attachment;

import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.account.PasswordHasher;
import ai.soul.domain.account.StorageQuotaExceeded;
import ai.soul.domain.account.TierCatalogue;
import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.AttachmentView;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.domain.conversation.ConversationLimits;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.StorageReleased;
import ai.soul.schemas.account.StorageReserved;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The attachments' files process against the real aggregates (conversation, account) on an in-memory
 * event store, with the bytes kept in a map: each step of an upload, each way it fails and what it
 * gives back then, and the deletions.
 */
class AttachmentFilesTest {

    static final String CONVERSATION = "conv_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String OWNER = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String STRANGER = "usr_01JBBBBBBBBBBBBBBBBBBBBBBB";
    static final String ATT = "att_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final long QUOTA = 100;
    /** SHA-256 of "hello". */
    static final String HELLO_SHA = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    /** The bytes port in memory; {@link #failStore} and {@link #failDiscard} make its calls fail. */
    final class MemoryBytes implements AttachmentBytes {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Map<String, Owner> owners = new LinkedHashMap<>();
        RuntimeException failStore;
        RuntimeException failDiscard;
        Runnable whileStoring = () -> { };

        @Override
        public Stored store(String attachmentId, String conversationId, String accountId, String filename, String mimeType,
                            InputStream bytes) {
            if (failStore != null) throw failStore;
            try {
                byte[] content = bytes.readAllBytes();
                whileStoring.run();
                files.put(attachmentId, content);
                owners.put(attachmentId, new Owner(conversationId, accountId));
                var sha = java.security.MessageDigest.getInstance("SHA-256").digest(content);
                return new Stored(content.length, java.util.HexFormat.of().formatHex(sha));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<Owner> owner(String attachmentId) {
            return Optional.ofNullable(owners.get(attachmentId));
        }

        @Override
        public void discard(String attachmentId) {
            if (failDiscard != null) throw failDiscard;
            files.remove(attachmentId);
            owners.remove(attachmentId);
        }
    }

    /** Uploads call no model; the conversation's other commands want a port. */
    static final AiPort NO_MODEL = new AiPort() {
        @Override
        public List<Model> models() {
            return List.of();
        }

        @Override
        public Reply reply(ReplyRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Summary summarize(SummaryRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    final MemoryBytes bytes = new MemoryBytes();
    private Configuration axon;
    private CommandGateway commands;
    private EventStore events;
    private AttachmentFiles files;

    @BeforeEach
    void start() throws ClassNotFoundException {
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
                .registerComponent(PasswordHasher.class, c -> new PasswordHasher() {
                    @Override
                    public String hash(String password) {
                        return password;
                    }

                    @Override
                    public boolean matches(String password, String hash) {
                        return password.equals(hash);
                    }
                })
                .registerComponent(TierCatalogue.class, c -> tier -> true)
                .registerComponent(ConversationLimits.class, c -> ConversationLimits.DEFAULTS)
                .registerComponent(AiPort.class, c -> NO_MODEL)
                .configureAggregate(Class.forName("ai.soul.domain.conversation.Conversation"))
                .configureAggregate(Class.forName("ai.soul.domain.account.Account"))
                .buildConfiguration();
        axon.start();
        commands = axon.commandGateway();
        events = axon.eventStore();
        events.publish(new GenericDomainEventMessage<>("Account", OWNER, 0,
                new AccountRegistered(OWNER, "ada@example.com", "hash", null, null, "free")));
        events.publish(new GenericDomainEventMessage<>("Conversation", CONVERSATION, 0,
                new ConversationCreated(CONVERSATION, OWNER, "Notes", null, "api", Map.of(), null, null, null)));
        files = new AttachmentFiles(commands, bytes, () -> ATT, QUOTA);
    }

    @AfterEach
    void stop() {
        axon.shutdown();
    }

    List<Object> history(String aggregate) {
        return events.readEvents(aggregate).asStream().map(m -> (Object) m.getPayload()).toList();
    }

    static AttachmentFiles.Upload upload(String accountId, String filename, String content) {
        byte[] raw = content.getBytes(StandardCharsets.UTF_8);
        return new AttachmentFiles.Upload(CONVERSATION, accountId, filename, raw.length, () -> new ByteArrayInputStream(raw),
                name -> name.endsWith(".txt") ? "text/plain" : "application/octet-stream");
    }

    @Test
    void anUploadReservesItsSizeStoresTheBytesAndRecordsTheAttachment() {
        AttachmentView view = files.upload(upload(OWNER, "docs/notes.txt", "hello"));

        assertThat(view.id()).isEqualTo(ATT);
        assertThat(view.filename()).isEqualTo("notes.txt");
        assertThat(view.mimeType()).isEqualTo("text/plain");
        assertThat(view.size()).isEqualTo(5);
        assertThat(view.createdAt()).isNotNull();
        assertThat(history(OWNER)).contains(new StorageReserved(OWNER, ATT, 5));
        assertThat(history(CONVERSATION)).last()
                .isEqualTo(new AttachmentAdded(CONVERSATION, OWNER, ATT, "notes.txt", "text/plain", 5, HELLO_SHA, ATT));
        assertThat(bytes.files.get(ATT)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
        assertThat(bytes.owners.get(ATT)).isEqualTo(new AttachmentBytes.Owner(CONVERSATION, OWNER));
    }

    @Test
    void aFileTheConversationRefusesIsNeitherReservedNorStored() {
        assertThatThrownBy(() -> files.upload(upload(OWNER, "dir/", "hello"))).isInstanceOf(RuleViolation.class);
        assertThatThrownBy(() -> files.upload(upload(STRANGER, "a.txt", "hello"))).isInstanceOf(NotFound.class);

        assertThat(history(OWNER)).noneMatch(e -> e instanceof StorageReserved);
        assertThat(bytes.files).isEmpty();
    }

    @Test
    void aFileOverTheQuotaIsNotStored() {
        assertThatThrownBy(() -> files.upload(upload(OWNER, "big.txt", "x".repeat((int) QUOTA + 1))))
                .isInstanceOf(StorageQuotaExceeded.class);

        assertThat(history(OWNER)).noneMatch(e -> e instanceof StorageReserved);
        assertThat(history(CONVERSATION)).noneMatch(e -> e instanceof AttachmentAdded);
        assertThat(bytes.files).isEmpty();
    }

    @Test
    void bytesThatCannotBeReadGiveTheReservationBack() {
        var unreadable = new AttachmentFiles.Upload(CONVERSATION, OWNER, "a.txt", 5, () -> {
            throw new IOException("the temporary file is gone");
        }, name -> "text/plain");

        assertThatThrownBy(() -> files.upload(unreadable)).isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("the temporary file is gone");

        assertThat(history(OWNER)).containsSubsequence(new StorageReserved(OWNER, ATT, 5), new StorageReleased(OWNER, ATT, 5));
        assertThat(history(CONVERSATION)).noneMatch(e -> e instanceof AttachmentAdded);
    }

    @Test
    void bytesThatCannotBeStoredGiveTheReservationBack() {
        bytes.failStore = new IllegalStateException("GridFS is away");

        assertThatThrownBy(() -> files.upload(upload(OWNER, "a.txt", "hello"))).isSameAs(bytes.failStore);

        assertThat(history(OWNER)).containsSubsequence(new StorageReserved(OWNER, ATT, 5), new StorageReleased(OWNER, ATT, 5));
        assertThat(history(CONVERSATION)).noneMatch(e -> e instanceof AttachmentAdded);
    }

    @Test
    void anAttachmentTheConversationRefusesAfterTheBytesWereStoredGivesBothBack() {
        bytes.whileStoring = () -> commands.sendAndWait(new DeleteConversation(CONVERSATION, OWNER));

        assertThatThrownBy(() -> files.upload(upload(OWNER, "a.txt", "hello"))).isInstanceOf(AggregateDeletedException.class);

        assertThat(bytes.files).isEmpty();
        assertThat(history(OWNER)).containsSubsequence(new StorageReserved(OWNER, ATT, 5), new StorageReleased(OWNER, ATT, 5));
    }

    @Test
    void aFailureWhileGivingBackStillReleasesTheReservationAndKeepsTheFirstFailure() {
        bytes.whileStoring = () -> commands.sendAndWait(new DeleteConversation(CONVERSATION, OWNER));
        bytes.failDiscard = new IllegalStateException("GridFS is away");

        assertThatThrownBy(() -> files.upload(upload(OWNER, "a.txt", "hello"))).isInstanceOf(AggregateDeletedException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(bytes.failDiscard));

        assertThat(history(OWNER)).containsSubsequence(new StorageReserved(OWNER, ATT, 5), new StorageReleased(OWNER, ATT, 5));
    }

    @Test
    void onlyTheOwnerFindsTheConversationOfAnAttachment() {
        files.upload(upload(OWNER, "a.txt", "hello"));

        assertThat(files.conversationOf(OWNER, ATT)).contains(CONVERSATION);
        assertThat(files.conversationOf(STRANGER, ATT)).isEmpty();
        assertThat(files.conversationOf(OWNER, "att_01JZZZZZZZZZZZZZZZZZZZZZZZ")).isEmpty();
    }

    @Test
    void aDeletionFreesTheStorageAndTheBytesAtOnce() {
        files.upload(upload(OWNER, "a.txt", "hello"));

        long version = files.delete(CONVERSATION, OWNER, ATT);

        assertThat(history(CONVERSATION)).last().isEqualTo(new AttachmentDeleted(CONVERSATION, OWNER, ATT, 5));
        assertThat(version).isEqualTo(history(CONVERSATION).size() - 1);
        assertThat(history(OWNER)).last().isEqualTo(new StorageReleased(OWNER, ATT, 5));
        assertThat(bytes.files).isEmpty();
        assertThat(files.conversationOf(OWNER, ATT)).isEmpty();
    }

    /** A conversation's deletion deletes its attachments; the clean-up frees each, and a repeat changes nothing. */
    @Test
    void theCleanUpOfADeletedAttachmentFreesItsStorageAndBytesOnce() {
        files.upload(upload(OWNER, "a.txt", "hello"));
        commands.sendAndWait(new DeleteConversation(CONVERSATION, OWNER));
        AttachmentDeleted deleted = (AttachmentDeleted) history(CONVERSATION).stream()
                .filter(e -> e instanceof AttachmentDeleted).findFirst().orElseThrow();

        files.on(deleted);
        files.on(deleted);

        assertThat(history(OWNER).stream().filter(e -> e instanceof StorageReleased)).containsExactly(new StorageReleased(OWNER, ATT, 5));
        assertThat(bytes.files).isEmpty();
    }
}
