package ai.soul.edge.web;

/**
 * Says what a failure of a library the edge does not know (Axon's, in the command app) is in the API's
 * words. A bean of this type is asked by {@link ApiExceptionHandler} before a failure becomes a 500.
 */
@FunctionalInterface
public interface ErrorTranslator {

    /** The failure as the API tells it, or null when it is not one this translator knows. */
    ApiException translate(Throwable failure);
}
