// The resolved-cloud types are the Keystone client's input, so they live with it (clients import only
// core and util); re-exported here because config produces them and other folders import them from here.
export * from '../clients/keystone/resolved-cloud';
