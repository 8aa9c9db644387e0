package mvpos.api.explorer;

import io.javalin.http.Context;

/** The page a browser gets for an address the server does not know: what it asked for, escaped, and a way back. */
public final class NotFoundPage {
    private NotFoundPage() {
    }

    /** Whether the client asked for a page rather than for JSON. */
    public static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    /**
     * The answers of an app for what goes wrong: 500 with a one-line JSON error for an unexpected
     * exception; for an HTTP error, this page when a browser asked for a page that is not there, else a
     * one-line JSON error ("no such endpoint" for a 404).
     */
    public static void answerErrors(io.javalin.Javalin app) {
        app.exception(Exception.class, (e, ctx) -> ctx.status(500).json(java.util.Map.of("error",
                "internal error: " + e)));
        app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 404 && wantsHtml(ctx)) {
                noPage(ctx);
                return;
            }
            ctx.status(e.getStatus()).json(java.util.Map.of("error", e.getStatus() == 404 ? "no such endpoint: "
                    + ctx.method() + " " + ctx.path() : e.getMessage()));
        });
    }

    /** The page for a path that names nothing here (shown decoded, as the person typed it, and escaped). */
    public static void noPage(Context ctx) {
        String path = ctx.path();
        try {
            path = java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // shown as it came
        }
        send(ctx, "There is no page at " + (path.length() > 200 ? path.substring(0, 200) + "..." : path));
    }

    public static void send(Context ctx, String message) {
        ctx.status(404).contentType("text/html; charset=utf-8").result("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Not found - mvpos explorer</title>
                <link rel="stylesheet" href="/explorer/assets/explorer.css"></head>
                <body><main class="notfound"><h1>Not found</h1><p id="not-found">%s</p>
                <p><a href="/">Back to the explorer</a></p></main></body></html>
                """.formatted(escape(message)));
    }

    /** Text made safe to put in HTML (as content or in a quoted attribute). */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
