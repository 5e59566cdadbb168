package io.berth.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --output text|json}: what a reporting command prints on stdout. Progress and errors go to stderr. */
public final class Output {

    public enum Format { TEXT, JSON }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            converter = FormatConverter.class, description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format = Format.TEXT;

    public boolean json() {
        return format == Format.JSON;
    }

    /** Prints {@code report} as JSON, or its text when the format is text. */
    public void print(Object report, String text) {
        if (json()) {
            printJson(report);
        } else {
            System.out.print(text.endsWith("\n") ? text : text + "\n");
            System.out.flush();
        }
    }

    /** Prints {@code report} as indented JSON on stdout, whatever the format (a protocol that is JSON only). */
    public static void printJson(Object report) {
        try {
            System.out.println(JSON.writeValueAsString(report));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON: " + e.getOriginalMessage());
        }
        System.out.flush();
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
            }
        }
    }
}
