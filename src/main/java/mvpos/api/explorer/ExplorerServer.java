package mvpos.api.explorer;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import mvpos.api.StrictJson;

/**
 * An explorer served on its own port, for what has no API of its own: a devnet in one process, the
 * lobby. (A node serves its explorer on its API port.)
 */
public final class ExplorerServer implements AutoCloseable {
    private final Javalin app;

    private ExplorerServer(Explorer explorer, String host, int port) {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = 64 * 1024;
            config.jsonMapper(new JavalinJackson(StrictJson.mapper(), false));
            config.jetty.modifyServer(server -> server.setErrorHandler(StrictJson.jettyErrorHandler()));
        });
        ExplorerRoutes.register(app, explorer);
        NotFoundPage.answerErrors(app);
        app.start(host, port);
    }

    /**
     * Serves the explorer.
     *
     * @throws IllegalStateException when the port cannot be bound (its message says why)
     */
    public static ExplorerServer start(Explorer explorer, String host, int port) {
        return new ExplorerServer(explorer, host, port);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
