package ai.soul.domain.conversation;

import ai.soul.domain.ai.AiPort;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;

import java.util.function.Supplier;

/**
 * A call to the AI port under the retry policy: {@link AiPort.AiUnavailable} is tried again with
 * backoff (the policy's job), anything else fails at once. The outcome is a result or the reason
 * of the last failure, with the number of attempts made.
 */
final class Effects {

    record Outcome<T>(T result, String failure, int attempts) {
    }

    private Effects() {
    }

    static <T> Outcome<T> call(RetryTemplate retries, Supplier<T> work) {
        try {
            return new Outcome<>(retries.execute(work::get), null, 1);
        } catch (RetryException e) {
            Throwable last = e.getLastException();
            return new Outcome<>(null, reason(last), Math.max(1, e.getExceptions().size()));
        }
    }

    /** What a client may read: the kind of failure and the adapter's message, never the prompt. */
    private static String reason(Throwable failure) {
        if (failure instanceof IllegalArgumentException) {
            return "Refused: " + failure.getMessage();
        }
        if (failure instanceof AiPort.AiUnavailable) {
            return "AI provider unavailable: " + failure.getMessage();
        }
        return "Failed: " + failure.getClass().getSimpleName();
    }
}
