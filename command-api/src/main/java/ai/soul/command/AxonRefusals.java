package ai.soul.command;

import ai.soul.edge.Ids;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorTranslator;
import ai.soul.edge.web.TypeErrors;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * The command side's part of the web edge's errors. Axon's own refusals in the API's words (the domain's
 * say it themselves, see {@code ai.soul.schemas.Refusal}); and a request whose body had fields of the wrong
 * type ({@link TypeErrors}) records nothing: each command it sends is checked by its aggregate as usual, so
 * that the domain's field rules are reported with the type errors, and then refused, so nothing is recorded.
 */
@Component
class AxonRefusals implements ErrorTranslator, SmartInitializingSingleton {

    private final ObjectProvider<CommandBus> commandBus;

    AxonRefusals(ObjectProvider<CommandBus> commandBus) {
        this.commandBus = commandBus;
    }

    @Override
    public ApiException translate(Throwable failure) {
        if (failure instanceof AggregateNotFoundException missing) {
            // never created, or deleted: the same to a client, and the same as another account's (the domain's NotFound)
            return Ids.notFound(String.valueOf(missing.getAggregateIdentifier()));
        }
        if (failure instanceof ConcurrencyException || failure instanceof AggregateStreamCreationException) {
            // two writers at once, or an id used twice; a retry reads the new state
            return ApiException.conflict("The resource was changed concurrently or already exists; retry");
        }
        return null;
    }

    @Override
    public void afterSingletonsInstantiated() {
        // the command runs on the request's thread (a simple command bus), so the request's type errors are at hand
        commandBus.getObject().registerHandlerInterceptor((unitOfWork, chain) -> {
            Map<String, List<String>> types = TypeErrors.pending();
            Object result = chain.proceed();
            if (types != null) {
                throw TypeErrors.refusal(types); // the unit of work rolls back: no event is recorded
            }
            return result;
        });
    }
}
