/**
 * JDK Flight Recorder events of the scheduler. Disabled events cost a branch: each site creates its event and
 * checks {@code isEnabled()} first, which the JIT folds when JFR does not record the event.
 */
package dev.weft.sched.jfr;
