// Run by the mongo image on the first start of an empty volume (/docker-entrypoint-initdb.d), before
// authentication is on: the apps' own user, which may read and write their database and nothing else.
// Its password comes from the environment (MONGO_PASSWORD, see docker-compose.yml).
if (!process.env.MONGO_PASSWORD) {
  throw new Error('MONGO_PASSWORD is not set');
}
db.getSiblingDB('admin').createUser({
  user: 'soul',
  pwd: process.env.MONGO_PASSWORD,
  roles: [{ role: 'readWrite', db: 'soul' }],
});
