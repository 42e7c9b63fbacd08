/**
 * What CloudWatch and SNS accept for the monitoring's names (components/monitoring.ts): the mocks
 * take any string, the APIs refuse the create call.
 */
import { nameProblems, NameRule, physicalName, textProblems } from "../aws-names";
import { ResourceRule } from "../model";
import { TYPES } from "../types";

/** SNS API Reference, CreateTopic Name: 1–256 ASCII letters, digits, underscores and hyphens (a FIFO topic adds .fifo). */
const TOPIC_NAME: NameRule = { label: "topic name", max: 256, chars: /[A-Za-z0-9_-]/, charsText: "letters, digits, _ and -" };
/** CloudWatch API Reference, PutMetricAlarm AlarmName: 1–255 characters; AlarmDescription: 1024 at most. */
const ALARM_NAME: NameRule = { label: "alarm name", max: 255, chars: /[^\u0000-\u001f]/u, charsText: "any printable character" };
/** CloudWatch Logs API Reference, PutMetricFilter filterName: 1–512 characters, no : or *. */
const FILTER_NAME: NameRule = { label: "metric filter name", max: 512, chars: /[^:*]/u, charsText: "any character but : and *" };
/** CloudWatch API Reference, PutDashboard DashboardName: letters, digits, - and _, 255 at most. */
const DASHBOARD_NAME: NameRule = { label: "dashboard name", max: 255, chars: /[A-Za-z0-9_-]/, charsText: "letters, digits, - and _" };

export const monitoringNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-016",
    title: "Alarm, metric filter, dashboard and topic names are ones CloudWatch and SNS accept",
    rationale: "CloudWatch takes alarm names of 255 characters and descriptions of 1024, metric filter names without : or *, dashboard names of letters, digits, - and _; SNS takes topic names of 256 letters, digits, _ and - (CloudWatch API Reference: PutMetricAlarm, PutDashboard; CloudWatch Logs API Reference: PutMetricFilter; SNS API Reference: CreateTopic).",
    severity: "mandatory",
    fix: "shorten the name or description, and keep to the characters the API names",
    equivalents: {},
    types: [TYPES.metricAlarm, TYPES.snsTopic, TYPES.logMetricFilter, TYPES.dashboard],
    check(resource) {
        switch (resource.type) {
            case TYPES.metricAlarm:
                return [...nameProblems(physicalName(resource), ALARM_NAME), ...textProblems("alarm description", resource.inputs.alarmDescription, 1024)];
            case TYPES.snsTopic:
                return nameProblems(physicalName(resource), TOPIC_NAME);
            case TYPES.logMetricFilter:
                return nameProblems(physicalName(resource), FILTER_NAME);
            default:
                return nameProblems(physicalName(resource, "dashboardName", ""), DASHBOARD_NAME);
        }
    },
};
