package io.lr0.http;

/** What one of lr0's HTTP servers does with a request: its own paths and its own way of saying no. */
public interface HttpRoutes {
    /** The answer to {@code call}; an exception is answered 500 (the log has it, the client does not). */
    HttpAnswer answer(HttpCall call) throws Exception;

    /**
     * How this server says no before its routes are reached (401, 408, 413, 500), in the body format its clients
     * read: {@code {"error": ...}} unless it says otherwise (the schema registry answers as Confluent's does).
     */
    default HttpAnswer refusal(int status, String message) {
        return HttpAnswer.error(status, message);
    }
}
