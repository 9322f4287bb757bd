/**
 * A day of the week, in UTC: the one model of every weekly window the constructs set
 * (database maintenance, Kubernetes upgrades, droplet backups). Values are the names
 * DigitalOcean's maintenance windows take.
 */
export enum Weekday {
  MONDAY = 'monday',
  TUESDAY = 'tuesday',
  WEDNESDAY = 'wednesday',
  THURSDAY = 'thursday',
  FRIDAY = 'friday',
  SATURDAY = 'saturday',
  SUNDAY = 'sunday',
}

/** The day's three-letter abbreviation in lowercase (`sun`), as RDS windows and droplet backup policies spell it. */
export function weekdayAbbreviation(day: Weekday): string {
  return day.slice(0, 3);
}

/** The day after `day`. */
export function nextWeekday(day: Weekday): Weekday {
  const days = Object.values(Weekday);
  return days[(days.indexOf(day) + 1) % days.length];
}
