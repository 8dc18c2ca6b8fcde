/** A runnable example harness adapter: one benchmark cell, traced for real. */
package dev.cabtrace.examples;
