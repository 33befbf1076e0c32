module.exports = require("../testing/mocharc.cjs");
