package tongfa

import "time"

// China is the time zone of publishing times, quota days and the calendar.
var China = time.FixedZone("CST", 8*3600)

// ChinaTime formats t as operators read a publishing time.
func ChinaTime(t time.Time) string { return t.In(China).Format("2006-01-02 15:04") }
