package ai.soul.command;

import ai.soul.edge.consistency.ReadYourWrites;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.util.function.ToLongFunction;

/**
 * Sends a command and tells {@link ReadYourWrites} what it wrote, so the readers named here see the
 * result in their next read.
 */
@Component
public class Commands {

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;

    public Commands(CommandGateway gateway, ReadYourWrites readYourWrites) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
    }

    public <R> R send(Object command, String aggregateId, ToLongFunction<R> version, String... readers) {
        ReadYourWrites.Write write = readYourWrites.begin(aggregateId, readers);
        try {
            R result = gateway.sendAndWait(command);
            write.acknowledged(version.applyAsLong(result));
            return result;
        } catch (RuntimeException e) {
            write.abandon();
            throw e;
        }
    }
}
