package ai.soul.schemas.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A message of a conversation as the API shows it; {@code index} is its position, from 0. An agent
 * reply names the message it answers ({@code in_reply_to}) and its model; a user message that asked
 * for a reply shows {@code reply_status} (pending, completed, failed) and, on failure, {@code reply_error}.
 */
public record MessageResource(String id, String conversationId, int index, String role, String content, Instant createdAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String inReplyTo,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String model,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String replyStatus,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String replyError) {
}
