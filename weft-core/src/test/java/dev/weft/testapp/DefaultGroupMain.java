package dev.weft.testapp;

import dev.weft.threadlet.Threadlets;

/**
 * A main that runs a threadlet on the default group twice and prints, for each attempt, the exception it got: run
 * without the JVM flags, both must name the missing flag (a failed class initialisation would name it only once).
 */
public final class DefaultGroupMain {
    public static void main(String[] args) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                System.out.println("attempt " + attempt + ": " + Threadlets.exec(() -> "ran").join());
            } catch (Throwable t) {
                System.out.println("attempt " + attempt + ": " + t);
            }
        }
    }
}
