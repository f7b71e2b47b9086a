package ai.soul.edge.auth;

import ai.soul.edge.events.CloudEventCodec;
import ai.soul.schemas.Events;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.ApiKeyRevoked;
import ai.soul.schemas.account.TierChanged;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;

import java.nio.charset.StandardCharsets;

/**
 * Makes another instance's key revocation or tier change take effect in this one as soon as the event
 * reaches it, rather than when a cached lookup expires. Every instance reads the whole topic from its
 * end, with a group of its own that never commits; only account events are decoded.
 */
public class AccountChangesListener implements MessageListener<String, byte[]> {

    private static final byte[] REVOKED = Events.typeOf(ApiKeyRevoked.class).getBytes(StandardCharsets.UTF_8);
    private static final byte[] TIER = Events.typeOf(TierChanged.class).getBytes(StandardCharsets.UTF_8);

    private final Callers callers;
    private final CloudEventCodec codec;

    public AccountChangesListener(Callers callers, CloudEventCodec codec) {
        this.callers = callers;
        this.codec = codec;
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        String subject = record.key();
        if (subject == null || !subject.startsWith("usr_") || record.value() == null
                || !(contains(record.value(), REVOKED) || contains(record.value(), TIER))) {
            return;
        }
        PublishedEvent<?> event = codec.decode(record.value());
        if (event.data() instanceof ApiKeyRevoked revoked) {
            callers.forgetKey(revoked.keyHash());
        } else if (event.data() instanceof TierChanged changed) {
            callers.forgetAccount(changed.accountId());
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return true;
        }
        return false;
    }
}
