module.exports = require("@mixprec/testing/mocharc");
