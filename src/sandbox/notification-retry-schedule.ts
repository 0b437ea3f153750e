/**
 * Waits between a failed notification and its next delivery, in seconds: 15 retries over 24h4m
 * (WeChat Pay spec 4, schedule (a)). Huishouqian documents the same schedule, so both sandboxes use this one.
 */
export const NOTIFICATION_RETRY_SCHEDULE_SECONDS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];
