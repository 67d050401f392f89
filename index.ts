export { PlivoPhloApi } from './credentials/PlivoPhloApi.credentials';
export { PlivoPhlo } from './nodes/PlivoPhlo/PlivoPhlo.node';
