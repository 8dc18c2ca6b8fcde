/** Reading traces and replaying a cell's timeline. */
package dev.cabtrace.replay;
