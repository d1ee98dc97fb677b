/** The depot host's release, reported by /healthz, the OpenAPI document and to the hub at enrolment. */
export const HOST_VERSION = '0.1.0';
