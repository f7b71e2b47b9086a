package ai.soul.projections;

import com.mongodb.MongoClientException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import org.apache.lucene.store.AlreadyClosedException;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Tells a failure of the infrastructure (MongoDB away, the index closed by a shutdown, the disk) from
 * a failure caused by the record itself. The first is waited out: the batch is tried again until it
 * goes through. The second would fail forever, so the record is parked and the projection goes on.
 */
public final class Failures {

    private Failures() {
    }

    /** True when trying again later may succeed: nothing here says the record is at fault. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("com.fasterxml.jackson.") || t.getClass().getName().startsWith("org.bson.")) {
                return false; // the record does not read or does not store: it will not, however often it is tried
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException || t instanceof MongoNotPrimaryException
                    || t instanceof MongoNodeIsRecoveringException || t instanceof MongoInterruptedException
                    || t instanceof AlreadyClosedException || t instanceof InterruptedException
                    || t instanceof IOException
                    || (t instanceof UncheckedIOException)) {
                return true;
            }
            if (t instanceof MongoClientException || t instanceof IllegalStateException) {
                // the driver's "state should be: open" and friends: the client is closing, not the record at fault
                String message = t.getMessage();
                if (message != null && message.contains("state should be")) {
                    return true;
                }
            }
        }
        return false;
    }
}
