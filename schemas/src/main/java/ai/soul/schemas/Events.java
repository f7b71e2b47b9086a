package ai.soul.schemas;

import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.AccountRegisteredByIdentity;
import ai.soul.schemas.account.ApiKeyRevoked;
import ai.soul.schemas.account.IdentityClaimed;
import ai.soul.schemas.account.RegistrationAttempted;
import ai.soul.schemas.account.TierChanged;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.EmailClaimed;
import ai.soul.schemas.account.ExportStorageReleased;
import ai.soul.schemas.account.ExportStorageReserved;
import ai.soul.schemas.account.StorageReleased;
import ai.soul.schemas.account.StorageReserved;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportDeleted;
import ai.soul.schemas.export.ExportDequeued;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportFailed;
import ai.soul.schemas.export.ExportProgressed;
import ai.soul.schemas.export.ExportQueued;
import ai.soul.schemas.export.ExportRequested;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event of the public contract, and the lookups between a record and its CloudEvents type. */
public final class Events {

    public static final List<Class<?>> ALL = List.of(
            EmailClaimed.class,
            AccountRegistered.class,
            ApiKeyIssued.class,
            ApiKeyRevoked.class,
            TierChanged.class,
            AccountRegisteredByIdentity.class,
            IdentityClaimed.class,
            RegistrationAttempted.class,
            ConversationCreated.class,
            ConversationUpdated.class,
            ConversationDeleted.class,
            MessagePosted.class,
            AgentReplyRequested.class,
            AgentReplied.class,
            AgentReplyFailed.class,
            SummaryRequested.class,
            SummaryGenerated.class,
            SummaryFailed.class,
            AttachmentAdded.class,
            AttachmentDeleted.class,
            StorageReserved.class,
            StorageReleased.class,
            ExportRequested.class,
            ExportProgressed.class,
            ExportCompleted.class,
            ExportFailed.class,
            ExportExpired.class,
            ExportQueued.class,
            ExportDequeued.class,
            ExportDeleted.class,
            ExportStorageReserved.class,
            ExportStorageReleased.class);

    private static final Map<String, Class<?>> BY_TYPE =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Events::typeOf, Function.identity()));

    private Events() {
    }

    public static String typeOf(Class<?> event) {
        EventType type = event.getAnnotation(EventType.class);
        if (type == null) {
            throw new IllegalArgumentException(event.getName() + " is not an event of the contract");
        }
        return type.value();
    }

    /** The record for a CloudEvents type, or null for a type this version of the contract does not know. */
    public static Class<?> classOf(String type) {
        return BY_TYPE.get(type);
    }

    /** The version number at the end of the type: {@code soul.conversation.created.v1} is 1. */
    public static String versionOf(Class<?> event) {
        String type = typeOf(event);
        return type.substring(type.lastIndexOf(".v") + 2);
    }

    /** Where the JSON Schema of a type lives on the class path. */
    public static String schemaResource(String type) {
        return "/schemas/" + type + ".json";
    }
}
