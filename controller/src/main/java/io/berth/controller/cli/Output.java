package io.berth.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
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
        PrintStream out = System.out;
        if (json()) {
            try {
                out.println(JSON.writeValueAsString(report));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write the report as JSON: " + e.getOriginalMessage());
            }
        } else {
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
        out.flush();
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
