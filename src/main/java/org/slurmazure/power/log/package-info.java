/**
 * power_save.log: logback set up in code, one line per event with secrets masked, syslog when the file cannot
 * be written ({@link PowerLog}).
 */
package org.slurmazure.power.log;
