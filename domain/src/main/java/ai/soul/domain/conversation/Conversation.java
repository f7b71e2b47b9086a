package ai.soul.domain.conversation;

import ai.soul.domain.Checks;
import ai.soul.domain.NotFound;
import ai.soul.domain.conversation.ConversationCommands.CreateConversation;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.domain.conversation.ConversationCommands.InitialMessage;
import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationCommands.PostMessage;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReply;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReplyFailure;
import ai.soul.domain.conversation.ConversationCommands.RecordSummary;
import ai.soul.domain.conversation.ConversationCommands.RecordSummaryFailure;
import ai.soul.domain.conversation.ConversationCommands.RequestSummary;
import ai.soul.domain.conversation.ConversationCommands.UpdateConversation;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.domain.conversation.ConversationCommands.AttachFile;
import ai.soul.domain.conversation.ConversationCommands.CheckAttachment;
import ai.soul.domain.conversation.ConversationCommands.DeleteAttachment;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationFields;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

@Aggregate(cache = "aggregateCache")
class Conversation {

    static final int MAX_TITLE = 200;
    static final int MAX_CONTENT = 10_000;
    static final int MAX_SYSTEM_PROMPT = 10_000;
    static final int MAX_AGENT_ID = 100;
    static final Set<String> SOURCES = Set.of("email", "whatsapp", "api");
    static final Set<String> INITIAL_ROLES = Set.of("user", "agent", "system");
    static final Set<String> STYLES = Set.of("concise", "detailed", "bullet");
    /** A BCP 47 tag as clients write one: a language, then optional subtags (pt-BR, zh-Hant-TW). */
    static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");

    @AggregateIdentifier
    private String id;
    private String accountId;
    private String source;
    /** Title, content, metadata, system prompt, model and agent. */
    private ConversationFields fields;
    private int messageCount;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant lastMessageAt;
    private long version;
    /** User messages whose reply has been asked for and neither written nor failed yet. */
    private Set<String> awaitingReply = new HashSet<>();
    private String runningSummaryId;
    private String runningLanguage;
    private String runningStyle;
    private Instant runningSince;
    private String status;
    private ConversationView.Summary summary;

    Conversation() {
    }

    /** A creation handler rather than a constructor, so that it can answer with the new resource. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    ConversationView handle(CreateConversation cmd, AiPort ai, ConversationLimits limits) {
        String source = cmd.source() == null ? "api" : cmd.source();
        Checks checks = new Checks()
                .required("title", cmd.title(), "Title is required")
                .maxLength("title", cmd.title(), MAX_TITLE, "Title must be at most " + MAX_TITLE + " characters")
                .maxLength("content", cmd.content(), MAX_CONTENT, "Content must be less than 10000 characters")
                .oneOf("source", source, SOURCES)
                .metadata("metadata", cmd.metadata());
        checkSettings(checks, cmd.systemPrompt(), cmd.agentId());
        checkModel(checks, cmd.llmId(), ai);
        List<InitialMessage> messages = cmd.messages() == null ? List.of() : cmd.messages();
        if (messages.size() > limits.initialMessages()) {
            // checked before the messages themselves: their number is what makes the work
            checks.add("messages", "A conversation may be created with at most " + limits.initialMessages() + " messages");
            checks.orThrow();
        }
        for (int i = 0; i < messages.size(); i++) {
            InitialMessage m = messages.get(i);
            String field = "messages[" + i + "]";
            checks.required(field + ".content", m.content(), "Message content is required")
                    .maxLength(field + ".content", m.content(), MAX_CONTENT, "Content must be less than 10000 characters")
                    .oneOf(field + ".role", m.role() == null ? "user" : m.role(), INITIAL_ROLES);
        }
        checks.orThrow();
        // a key set to null on creation is a key not set, as an update with null removes it
        apply(new ConversationCreated(cmd.conversationId(), cmd.accountId(), cmd.title().strip(), cmd.content(), source,
                cmd.metadata() == null ? Map.of() : ConversationFields.merged(Map.of(), cmd.metadata()), cmd.systemPrompt(), cmd.llmId(),
                cmd.agentId()));
        for (InitialMessage m : messages) {
            apply(new MessagePosted(id, accountId, m.messageId(), messageCount, m.role() == null ? "user" : m.role(), m.content()));
        }
        // a new conversation is processing until its first summary exists
        apply(new SummaryRequested(id, accountId, firstSummaryId(id), "en", "concise"));
        return view();
    }

    @CommandHandler
    ConversationView handle(UpdateConversation cmd, AiPort ai) {
        requireOwner(cmd.accountId());
        Checks checks = new Checks()
                .maxLength("content", cmd.content(), MAX_CONTENT, "Content must be less than 10000 characters")
                .maxLength("title", cmd.title(), MAX_TITLE, "Title must be at most " + MAX_TITLE + " characters")
                .metadata("metadata", cmd.metadata());
        if (cmd.title() != null && cmd.title().isBlank()) {
            checks.add("title", "Title must not be blank");
        }
        checkSettings(checks, cmd.systemPrompt(), cmd.agentId());
        checkModel(checks, cmd.llmId(), ai);
        checks.orThrow();
        if (cmd.metadata() != null) {
            // the bounds hold for what the conversation keeps, not only for each change of it
            new Checks().metadata("metadata", ConversationFields.merged(fields.metadata(), cmd.metadata())).orThrow();
        }
        if (changes(cmd)) {
            apply(new ConversationUpdated(id, accountId, cmd.title() == null ? null : cmd.title().strip(), cmd.content(),
                    cmd.metadata(), cmd.systemPrompt(), cmd.llmId(), cmd.agentId()));
        }
        return view();
    }

    @CommandHandler
    long handle(DeleteConversation cmd) {
        requireOwner(cmd.accountId());
        // the attachments go first, so their bytes and reserved storage are given back like any other deletion
        List.copyOf(attachments.values()).forEach(a -> apply(new AttachmentDeleted(id, accountId, a.id(), a.size())));
        apply(new ConversationDeleted(id, accountId));
        return version;
    }

    @CommandHandler
    MessageView handle(PostMessage cmd, AiPort ai) {
        requireOwner(cmd.accountId());
        Checks checks = new Checks()
                .required("content", cmd.content(), "Content is required")
                .maxLength("content", cmd.content(), MAX_CONTENT, "Content must be less than 10000 characters");
        checkModel(checks, cmd.llmId(), ai);
        checks.orThrow();
        int index = messageCount;
        apply(new MessagePosted(id, accountId, cmd.messageId(), index, "user", cmd.content()));
        long posted = version;
        apply(new AgentReplyRequested(id, accountId, cmd.messageId(), cmd.llmId(), cmd.verbose()));
        // the version is the message's own: a reader waiting for it need not wait for the request too
        return new MessageView(cmd.messageId(), id, index, "user", cmd.content(), lastMessageAt, posted);
    }

    /** Nothing for a message already answered (or failed), so a redelivered effect changes nothing. */
    @CommandHandler
    void handle(RecordAgentReply cmd) {
        if (awaitingReply.contains(cmd.inReplyTo())) {
            apply(new AgentReplied(id, accountId, cmd.messageId(), messageCount, cmd.inReplyTo(), cmd.content(), cmd.model(),
                    cmd.reasoning(), cmd.promptTokens(), cmd.completionTokens()));
        }
    }

    @CommandHandler
    void handle(RecordAgentReplyFailure cmd) {
        if (awaitingReply.contains(cmd.inReplyTo())) {
            apply(new AgentReplyFailed(id, accountId, cmd.inReplyTo(), cmd.reason(), cmd.attempts()));
        }
    }

    /** A request while a summary is being written joins that one. */
    @CommandHandler
    SummaryView handle(RequestSummary cmd) {
        requireOwner(cmd.accountId());
        String language = cmd.language() == null ? "en" : cmd.language();
        String style = cmd.style() == null ? "concise" : cmd.style();
        Checks checks = new Checks().oneOf("style", style, STYLES);
        if (!LANGUAGE.matcher(language).matches()) {
            checks.add("language", "language must be a BCP 47 tag such as en or pt-BR");
        }
        checks.orThrow();
        if (runningSummaryId == null) {
            apply(new SummaryRequested(id, accountId, cmd.summaryId(), language, style));
        }
        return new SummaryView(runningSummaryId, id, "processing", runningLanguage, runningStyle, runningSince, version);
    }

    @CommandHandler
    void handle(RecordSummary cmd) {
        if (cmd.summaryId().equals(runningSummaryId)) {
            apply(new SummaryGenerated(id, accountId, cmd.summaryId(), cmd.title(), cmd.content(), cmd.sentiment(),
                    cmd.sentimentScore(), cmd.topics(), cmd.actionItems(), cmd.model(), runningLanguage, runningStyle,
                    cmd.promptTokens(), cmd.completionTokens()));
        }
    }

    @CommandHandler
    void handle(RecordSummaryFailure cmd) {
        if (cmd.summaryId().equals(runningSummaryId)) {
            apply(new SummaryFailed(id, accountId, cmd.summaryId(), cmd.reason(), cmd.attempts()));
        }
    }

    /** The id of the summary a conversation asks for when it is created: its own id under the summary prefix. */
    static String firstSummaryId(String conversationId) {
        return "summary_" + conversationId.substring(conversationId.indexOf('_') + 1);
    }

    private static void checkSettings(Checks checks, String systemPrompt, String agentId) {
        checks.maxLength("system_prompt", systemPrompt, MAX_SYSTEM_PROMPT,
                        "System prompt must be at most " + MAX_SYSTEM_PROMPT + " characters")
                .maxLength("agent_id", agentId, MAX_AGENT_ID, "agent_id must be at most " + MAX_AGENT_ID + " characters");
    }

    private static void checkModel(Checks checks, String llmId, AiPort ai) {
        if (llmId != null && ai.models().stream().noneMatch(m -> m.id().equals(llmId) && "llm".equals(m.type()))) {
            checks.add("llm_id", "Unknown model; GET /v1/models?type=llm lists them");
        }
    }

    private ConversationView view() {
        return new ConversationView(id, accountId, fields.title(), fields.content(), source, status, fields.metadata(),
                fields.systemPrompt(), fields.llmId(), fields.agentId(), summary, messageCount, createdAt, updatedAt, lastMessageAt, version,
                List.copyOf(attachments.values()));
    }

    private void requireOwner(String caller) {
        if (!accountId.equals(caller)) {
            throw new NotFound("Conversation " + id);
        }
    }

    private boolean changes(UpdateConversation cmd) {
        return cmd.title() != null || cmd.content() != null || cmd.systemPrompt() != null || cmd.llmId() != null
                || cmd.agentId() != null || (cmd.metadata() != null && !cmd.metadata().isEmpty());
    }

    @EventSourcingHandler
    void on(ConversationCreated e, @Timestamp Instant at, @SequenceNumber long seq) {
        id = e.conversationId();
        accountId = e.accountId();
        fields = ConversationFields.of(e);
        source = e.source();
        createdAt = at;
        updatedAt = at;
        status = "processing";
        version = seq;
    }

    @EventSourcingHandler
    void on(ConversationUpdated e, @Timestamp Instant at, @SequenceNumber long seq) {
        fields = fields.with(e);
        updatedAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(MessagePosted e, @Timestamp Instant at, @SequenceNumber long seq) {
        messageCount = e.index() + 1;
        lastMessageAt = at;
        updatedAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(AgentReplyRequested e, @SequenceNumber long seq) {
        awaitingReply.add(e.inReplyTo());
        version = seq;
    }

    @EventSourcingHandler
    void on(AgentReplied e, @Timestamp Instant at, @SequenceNumber long seq) {
        awaitingReply.remove(e.inReplyTo());
        messageCount = e.index() + 1;
        lastMessageAt = at;
        updatedAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(AgentReplyFailed e, @SequenceNumber long seq) {
        awaitingReply.remove(e.inReplyTo());
        version = seq;
    }

    @EventSourcingHandler
    void on(SummaryRequested e, @Timestamp Instant at, @SequenceNumber long seq) {
        runningSummaryId = e.summaryId();
        runningLanguage = e.language();
        runningStyle = e.style();
        runningSince = at;
        status = "processing";
        version = seq;
    }

    @EventSourcingHandler
    void on(SummaryGenerated e, @SequenceNumber long seq) {
        runningSummaryId = null;
        summary = new ConversationView.Summary(e.title(), e.content(), e.sentiment(), e.topics(), e.actionItems());
        status = "completed";
        version = seq;
    }

    @EventSourcingHandler
    void on(SummaryFailed e, @SequenceNumber long seq) {
        runningSummaryId = null;
        status = "failed";
        version = seq;
    }

    @EventSourcingHandler
    void on(ConversationDeleted e, @SequenceNumber long seq) {
        version = seq;
        markDeleted();
    }

    // ---------------------------------------------------------------- attachments

    /** By id, in the order they were added: what a deletion needs (the size) and what a write answers with. */
    private final Map<String, AttachmentView> attachments = new LinkedHashMap<>();
    private final Set<String> deletedAttachments = new java.util.HashSet<>();

    private Instant lastAttachedAt;

    /** The same checks as {@link AttachFile}, so that nothing is stored for a file that would be refused. */
    @CommandHandler
    String handle(CheckAttachment cmd) {
        requireOwner(cmd.accountId());
        return checkedFilename(cmd.filename());
    }

    @CommandHandler
    AttachmentView handle(AttachFile cmd) {
        requireOwner(cmd.accountId());
        String filename = checkedFilename(cmd.filename());
        Instant createdAt = null;
        if (!attachments.containsKey(cmd.attachmentId()) && !deletedAttachments.contains(cmd.attachmentId())) {
            apply(new AttachmentAdded(id, accountId, cmd.attachmentId(), filename, cmd.mimeType(), cmd.size(), cmd.sha256(),
                    cmd.storageId()));
            createdAt = lastAttachedAt;
        }
        return new AttachmentView(cmd.attachmentId(), id, filename, cmd.mimeType(), cmd.size(), createdAt, version);
    }

    /** The name as {@link Filenames} cleans it; nothing visible left is a violation of the field. */
    private static String checkedFilename(String requested) {
        String filename = Filenames.baseName(requested);
        new Checks()
                .required("filename", filename,
                        "Filename is required: a visible name (control and format characters are removed), not ending with a path separator")
                .maxLength("filename", filename, Filenames.MAX, "Filename must be at most " + Filenames.MAX + " characters")
                .orThrow();
        return filename;
    }

    /** Answers the conversation's version after the deletion. */
    @CommandHandler
    long handle(DeleteAttachment cmd) {
        requireOwner(cmd.accountId());
        AttachmentView attachment = attachments.get(cmd.attachmentId());
        if (attachment != null) {
            apply(new AttachmentDeleted(id, accountId, cmd.attachmentId(), attachment.size()));
        } else if (!deletedAttachments.contains(cmd.attachmentId())) {
            throw new NotFound("Attachment " + cmd.attachmentId());
        }
        return version;
    }

    @EventSourcingHandler
    void on(AttachmentAdded e, @Timestamp Instant at, @SequenceNumber long seq) {
        attachments.put(e.attachmentId(), new AttachmentView(e.attachmentId(), id, e.filename(), e.mimeType(), e.size(), at, seq));
        lastAttachedAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(AttachmentDeleted e, @SequenceNumber long seq) {
        attachments.remove(e.attachmentId());
        deletedAttachments.add(e.attachmentId());
        version = seq;
    }
}
