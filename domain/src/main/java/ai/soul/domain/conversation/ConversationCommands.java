package ai.soul.domain.conversation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.Map;

/** The commands a conversation accepts. Ids are chosen by the caller, so a retried command is recognisable. */
public final class ConversationCommands {

    private ConversationCommands() {
    }

    public record CreateConversation(
            @TargetAggregateIdentifier String conversationId,
            String accountId,
            String title,
            String content,
            String source,
            Map<String, Object> metadata,
            String systemPrompt,
            String llmId,
            String agentId,
            List<InitialMessage> messages) {
    }

    /** A message that a conversation starts with, for example when it is imported from elsewhere. */
    public record InitialMessage(String messageId, String role, String content) {
    }

    /** Null fields stay as they are; {@code metadata} is merged key by key, a null value removing its key. */
    public record UpdateConversation(
            @TargetAggregateIdentifier String conversationId,
            String accountId,
            String title,
            String content,
            Map<String, Object> metadata,
            String systemPrompt,
            String llmId,
            String agentId) {
    }

    public record DeleteConversation(@TargetAggregateIdentifier String conversationId, String accountId) {
    }

    /** {@code llmId} null for the conversation's model; {@code verbose} asks for the model's reasoning too. */
    public record PostMessage(
            @TargetAggregateIdentifier String conversationId,
            String accountId,
            String messageId,
            String content,
            String llmId,
            boolean verbose) {
    }

    /** The reply effect's result; ignored when the message was answered already (a redelivered effect). */
    public record RecordAgentReply(
            @TargetAggregateIdentifier String conversationId,
            String messageId,
            String inReplyTo,
            String content,
            String model,
            String reasoning,
            int promptTokens,
            int completionTokens) {
    }

    public record RecordAgentReplyFailure(
            @TargetAggregateIdentifier String conversationId,
            String inReplyTo,
            String reason,
            int attempts) {
    }

    /** {@code language} (BCP 47) defaults to en, {@code style} (concise, detailed, bullet) to concise. */
    public record RequestSummary(
            @TargetAggregateIdentifier String conversationId,
            String accountId,
            String summaryId,
            String language,
            String style) {
    }

    /** The summary effect's result; ignored unless {@code summaryId} is the running summary. */
    public record RecordSummary(
            @TargetAggregateIdentifier String conversationId,
            String summaryId,
            String title,
            String content,
            String sentiment,
            double sentimentScore,
            List<String> topics,
            List<String> actionItems,
            String model,
            int promptTokens,
            int completionTokens) {
    }

    public record RecordSummaryFailure(
            @TargetAggregateIdentifier String conversationId,
            String summaryId,
            String reason,
            int attempts) {
    }

    // ---------------------------------------------------------------- attachments

    /**
     * Asks whether the account may attach a file of this name, before its bytes are stored: answers
     * the filename as it would be kept, or fails as {@link AttachFile} would. Emits nothing.
     */
    public record CheckAttachment(@TargetAggregateIdentifier String conversationId, String accountId, String filename) {
    }

    /**
     * Adds a file whose bytes are already stored under {@code storageId}; {@code filename} may carry a
     * client's path, of which only the last part is kept.
     */
    public record AttachFile(
            @TargetAggregateIdentifier String conversationId,
            String accountId,
            String attachmentId,
            String filename,
            String mimeType,
            long size,
            String sha256,
            String storageId) {
    }

    /** Removes an attachment; removing one that was removed already changes nothing. */
    public record DeleteAttachment(@TargetAggregateIdentifier String conversationId, String accountId, String attachmentId) {
    }
}
