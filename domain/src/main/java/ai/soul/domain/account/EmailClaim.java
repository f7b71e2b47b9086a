package ai.soul.domain.account;

import ai.soul.schemas.account.EmailClaimed;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** One email address, owned by at most one account: its identifier is the hash of the address. */
@Aggregate
class EmailClaim {

    @AggregateIdentifier
    private String emailHash;

    EmailClaim() {
    }

    EmailClaim(String emailHash, String accountId) {
        apply(new EmailClaimed(emailHash, accountId));
    }

    static String hashOf(String normalisedEmail) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalisedEmail.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    @EventSourcingHandler
    void on(EmailClaimed e) {
        emailHash = e.emailHash();
    }
}
