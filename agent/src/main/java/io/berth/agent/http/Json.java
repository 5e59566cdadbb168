package io.berth.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;

/** JSON answers of the API, written with our own Jackson mapper so no media-support discovery decides the shape. */
final class Json {

    /** The body of every error answer. */
    record ErrorBody(String error) {
    }

    // Jackson writes records as objects with their component names.
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static void send(ServerResponse res, Status status, Object body) {
        byte[] bytes = bytes(body);
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.send(bytes);
    }

    static void error(ServerResponse res, Status status, String message) {
        send(res, status, new ErrorBody(message));
    }

    static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
