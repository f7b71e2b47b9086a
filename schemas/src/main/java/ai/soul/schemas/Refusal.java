package ai.soul.schemas;

import java.util.Map;

/**
 * A refusal the API tells its client as it stands: the HTTP status and the error code of the API's
 * error table, the message (the exception's own) and the details a client can act on. The domain's
 * exceptions implement it, so the web edge answers them in its one error envelope without knowing
 * the domain, and a new refusal needs no handler of its own.
 */
public interface Refusal {

    int status();

    String code();

    String getMessage();

    /** Machine-readable details ({@code details} of the envelope), or null. */
    default Map<String, Object> details() {
        return null;
    }
}
