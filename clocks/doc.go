// Package clocks watches the deadlines government new media are judged by:
// the urgent first-report clock per channel (R5), update frequency per
// account and website column (R6), and policy interpretations due three
// working days after their document (R8). It raises each alert once.
package clocks
