package dev.berth.engine.image;

/** An image host setup installed, named {@code name:latest}, with the digest of its content. */
public record BuiltInImage(String name, String digest) {
}
